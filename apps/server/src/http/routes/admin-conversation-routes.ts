import { HistoryQuery, Id } from '@parley/protocol';
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Services } from '../../services/services.js';
import { requireAdminToken } from './admin-routes.js';

/** Any conversation's messages for an operator (reports, audits); reading needs no participation. */
export const adminConversationRoutes: FastifyPluginAsyncTypebox<{ services: Services; adminToken: string }> = async (app, { services, adminToken }) => {
  app.addHook('onRequest', requireAdminToken(adminToken));

  app.get(
    '/admin/conversations/:id/messages',
    {
      schema: {
        tags: ['admin'],
        summary: "A conversation's participants and messages, ascending seq, recalled ones included",
        params: Type.Object({ id: Id }),
        querystring: HistoryQuery,
      },
    },
    async (request) => services.admin.conversationMessages(request.params.id, request.query),
  );
};
