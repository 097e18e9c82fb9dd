import { DevTokenBody } from '@parley/protocol';
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Authenticator } from '../../auth/authenticator.js';
import type { UserDirectory } from '../../services/user-directory.js';
import { sendError } from '../error-reply.js';

export const authRoutes: FastifyPluginAsyncTypebox<{ auth: Authenticator; directory: UserDirectory }> = async (app, { auth, directory }) => {
  app.get('/auth/config', { schema: { tags: ['auth'], summary: 'What sign-in this server offers' } }, async () => ({ devAuth: auth.devSignInEnabled }));

  app.post(
    '/auth/dev-token',
    {
      schema: {
        tags: ['auth'],
        summary: 'Development sign-in: a token for any user id (404 unless PARLEY_DEV_AUTH is on)',
        body: DevTokenBody,
        response: { 200: Type.Object({ token: Type.String() }) },
      },
    },
    async (request, reply) => {
      if (!auth.devSignInEnabled) return sendError(reply, 'NOT_FOUND', 'development sign-in is off');
      const { userId, name, avatar } = request.body;
      await directory.ensure(userId, { ...(name ? { name } : {}), ...(avatar ? { avatar } : {}) });
      return { token: await auth.issueDevToken(userId, name, avatar) };
    },
  );
};
