import type { UserSettings } from '@parley/protocol';

/** Each user's own settings (`/users/me/settings`). */
export interface UserSettingsStore {
  /** Null when the user does not exist. */
  get(userId: number): Promise<UserSettings | null>;
  /** Applies the present fields; null when the user does not exist. */
  update(userId: number, patch: Partial<UserSettings>): Promise<UserSettings | null>;
  /** Those of the given users who turned read receipts off. */
  withReadReceiptsOff(userIds: readonly number[]): Promise<Set<number>>;
}
