import { AdminUserBody, Id, PresenceQuery, UserSettingsBody } from '@parley/protocol';
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { AppError } from '../../domain/app-error.js';
import type { Services } from '../../services/services.js';

/** Presence, my own profile, other users' public cards, and blocks. */
export const userRoutes: FastifyPluginAsyncTypebox<{ services: Services }> = async (app, { services }) => {
  app.get('/users/presence', { schema: { tags: ['users'], summary: 'Presence of users I share a conversation with', querystring: PresenceQuery } }, async (request) => {
    const ids = request.query.ids.split(',').map(Number);
    if (ids.some((id) => !Number.isSafeInteger(id) || id < 1)) throw new AppError('VALIDATION_FAILED', 'ids: each id must be a positive integer');
    return { items: await services.presence.lookup(request.userId, ids) };
  });

  app.get('/users/me', { schema: { tags: ['users'], summary: 'My profile, private fields included' } }, async (request) => services.users.profile(request.userId));

  app.put('/users/me', { schema: { tags: ['users'], summary: 'Update my profile (WeChat id, photos for exchanges); pictures must be my own uploads', body: AdminUserBody } }, async (request) =>
    services.users.updateOwnProfile(request.userId, request.body),
  );

  app.get('/users/me/settings', { schema: { tags: ['users'], summary: 'My settings (read receipts)' } }, async (request) => services.settings.get(request.userId));

  app.put(
    '/users/me/settings',
    { schema: { tags: ['users'], summary: 'Change my settings; readReceipts false: I neither send nor see read receipts', body: UserSettingsBody } },
    async (request) => services.settings.update(request.userId, request.body),
  );

  app.get('/blocks', { schema: { tags: ['blocks'], summary: 'Users I blocked' } }, async (request) => ({ items: await services.users.blocked(request.userId) }));

  app.put('/blocks/:userId', { schema: { tags: ['blocks'], summary: 'Block a user', params: Type.Object({ userId: Id }) } }, async (request, reply) => {
    await services.users.block(request.userId, request.params.userId);
    return reply.status(204).send();
  });

  app.delete('/blocks/:userId', { schema: { tags: ['blocks'], summary: 'Unblock a user', params: Type.Object({ userId: Id }) } }, async (request, reply) => {
    await services.users.unblock(request.userId, request.params.userId);
    return reply.status(204).send();
  });

  app.get('/users/:userId', { schema: { tags: ['users'], summary: "A user's name and avatar", params: Type.Object({ userId: Id }) } }, async (request) =>
    services.users.card(request.params.userId),
  );
};
