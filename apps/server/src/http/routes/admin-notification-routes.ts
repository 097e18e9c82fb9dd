import { AdminNotificationsQuery } from '@parley/protocol';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Services } from '../../services/services.js';
import { requireAdminToken } from './admin-routes.js';

const DEFAULT_LIMIT = 50;

/** The notification outbox for operators: what is pending, sent, failed (with each channel's attempts and last error) or dropped. */
export const adminNotificationRoutes: FastifyPluginAsyncTypebox<{ services: Services; adminToken: string }> = async (app, { services, adminToken }) => {
  app.addHook('onRequest', requireAdminToken(adminToken));

  app.get(
    '/admin/notifications',
    { schema: { tags: ['admin'], summary: 'Offline notifications, newest first, optionally of one status', querystring: AdminNotificationsQuery } },
    async (request) => ({ items: await services.notifications.list(request.query.status ?? null, request.query.limit ?? DEFAULT_LIMIT) }),
  );
};
