import { inject, type InjectionKey } from 'vue';
import { AdminApiError, type AdminApi } from './admin-api.js';
import { useAdminI18n } from './admin-i18n.js';

/** What every section gets from the signed-in console. */
export interface AdminContext {
  api: AdminApi;
  /** Called with any failed call: a refused token signs the console out. */
  failed(error: unknown): string;
}

export const ADMIN_CONTEXT: InjectionKey<AdminContext> = Symbol('parley-admin');

export function useAdminContext(): AdminContext {
  const context = inject(ADMIN_CONTEXT);
  if (!context) throw new Error('an admin section outside the signed-in console');
  return context;
}

/** The text to show for a failed call, in the console's language. */
export function describeFailure(error: unknown, t: ReturnType<typeof useAdminI18n>['t']): string {
  if (error instanceof AdminApiError) {
    if (error.status === 401) return t('tokenRefused');
    if (error.code === 'NETWORK') return t('networkError', { message: error.message });
    return t('errorGeneric', { code: error.code, message: error.message });
  }
  return t('errorGeneric', { code: 'INTERNAL', message: error instanceof Error ? error.message : String(error) });
}
