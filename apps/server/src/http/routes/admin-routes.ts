import { AdminUserBody, Id } from '@parley/protocol';
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { bearerToken } from '../../auth/authenticator.js';
import { AppError } from '../../domain/app-error.js';
import type { Services } from '../../services/services.js';
import { sameSecret } from '../same-secret.js';

/** Host-application API behind PARLEY_ADMIN_TOKEN; absent when no token is configured. */
export const adminRoutes: FastifyPluginAsyncTypebox<{ services: Services; adminToken: string }> = async (app, { services, adminToken }) => {
  // onRequest: a request without the admin token is answered 401 before its body is even parsed.
  app.addHook('onRequest', async (request) => {
    const token = bearerToken(request.headers.authorization);
    if (!token || !sameSecret(token, adminToken)) throw new AppError('UNAUTHORIZED', 'admin token required');
  });

  app.put('/admin/users/:id', { schema: { tags: ['admin'], summary: 'Create or update a user profile', params: Type.Object({ id: Id }), body: AdminUserBody } }, async (request) =>
    services.users.updateProfile(request.params.id, request.body),
  );

  app.get('/admin/users/:id', { schema: { tags: ['admin'], summary: 'A user profile, private fields included', params: Type.Object({ id: Id }) } }, async (request) =>
    services.users.profile(request.params.id),
  );
};
