import { WordListsBody } from '@parley/protocol';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Services } from '../../services/services.js';
import { requireAdminToken } from './admin-routes.js';

/** The moderation word lists behind PARLEY_ADMIN_TOKEN; a change is in effect on every node within seconds. */
export const adminModerationRoutes: FastifyPluginAsyncTypebox<{ services: Services; adminToken: string }> = async (app, { services, adminToken }) => {
  app.addHook('onRequest', requireAdminToken(adminToken));

  app.get('/admin/moderation/words', { schema: { tags: ['admin'], summary: 'The moderation word lists' } }, async () => services.moderationWords.lists());

  app.put(
    '/admin/moderation/words',
    { schema: { tags: ['admin'], summary: 'Replace both moderation word lists (at most 10,000 words of 1–64 characters)', body: WordListsBody } },
    async (request) => services.moderationWords.replace(request.body),
  );
};
