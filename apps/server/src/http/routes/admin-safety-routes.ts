import { Id, ReportsQuery, ResolveReportBody, RestrictionBody } from '@parley/protocol';
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { AppError } from '../../domain/app-error.js';
import type { Services } from '../../services/services.js';
import { requireAdminToken } from './admin-routes.js';

/** The operator's side of safety (docs/safety.md): the reports queue, restrictions, undoing an unmatch. */
export const adminSafetyRoutes: FastifyPluginAsyncTypebox<{ services: Services; adminToken: string }> = async (app, { services, adminToken }) => {
  app.addHook('onRequest', requireAdminToken(adminToken));

  app.get('/admin/reports', { schema: { tags: ['admin'], summary: 'Reports, newest first', querystring: ReportsQuery } }, async (request) => services.reports.list(request.query));

  app.get(
    '/admin/reports/:id',
    { schema: { tags: ['admin'], summary: 'One report with its evidence, the hash chain re-verified', params: Type.Object({ id: Id }) } },
    async (request) => services.reports.get(request.params.id),
  );

  app.post(
    '/admin/reports/:id/resolve',
    { schema: { tags: ['admin'], summary: 'Dismiss, warn, mute or ban', params: Type.Object({ id: Id }), body: ResolveReportBody } },
    async (request) => services.reports.resolve(request.params.id, request.body),
  );

  app.put(
    '/admin/users/:id/restriction',
    { schema: { tags: ['admin'], summary: 'Mute or ban a user, until a time or until lifted', params: Type.Object({ id: Id }), body: RestrictionBody } },
    async (request) => {
      const { kind, until, reason } = request.body;
      const end = until ? new Date(until) : null;
      if (end && Number.isNaN(end.getTime())) throw new AppError('VALIDATION_FAILED', 'until: not a valid time');
      await services.users.profile(request.params.id);
      return services.restrictions.restrict(request.params.id, { kind, until: end, reason: reason ?? null });
    },
  );

  app.delete(
    '/admin/users/:id/restriction',
    { schema: { tags: ['admin'], summary: "Lift a user's restriction", params: Type.Object({ id: Id }) } },
    async (request, reply) => {
      await services.restrictions.lift(request.params.id);
      return reply.status(204).send();
    },
  );

  app.delete(
    '/admin/unmatches/:conversationId',
    { schema: { tags: ['admin'], summary: 'Undo an unmatch: the two may write to each other again', params: Type.Object({ conversationId: Id }) } },
    async (request, reply) => {
      await services.unmatches.restore(request.params.conversationId);
      return reply.status(204).send();
    },
  );
};
