import { AdminUserUpsertBody, Id } from '@parley/protocol';
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { bearerToken } from '../../auth/authenticator.js';
import { AppError } from '../../domain/app-error.js';
import type { Services } from '../../services/services.js';
import { sameSecret } from '../same-secret.js';

/**
 * onRequest hook of every `/admin/**` plugin: a request without the admin token is answered 401
 * before its body is even parsed.
 */
export function requireAdminToken(adminToken: string) {
  return async (request: FastifyRequest): Promise<void> => {
    const token = bearerToken(request.headers.authorization);
    if (!token || !sameSecret(token, adminToken)) throw new AppError('UNAUTHORIZED', 'admin token required');
  };
}

/** Host-application API behind PARLEY_ADMIN_TOKEN; absent when no token is configured. */
export const adminRoutes: FastifyPluginAsyncTypebox<{ services: Services; adminToken: string }> = async (app, { services, adminToken }) => {
  app.addHook('onRequest', requireAdminToken(adminToken));

  /** The openIds the push channels reach a user at: private, like the WeChat id, so only here and in the admin API. */
  const weChatIds = async (userId: number) => {
    const account = await services.push.weChatAccount(userId);
    return { wechatOpenId: account.openId, wechatOaOpenId: account.oaOpenId };
  };

  app.put(
    '/admin/users/:id',
    { schema: { tags: ['admin'], summary: 'Create or update a user profile (and their WeChat openIds for notifications)', params: Type.Object({ id: Id }), body: AdminUserUpsertBody } },
    async (request) => {
      const { wechatOpenId, wechatOaOpenId, ...profile } = request.body;
      const saved = await services.users.updateProfile(request.params.id, profile);
      if (wechatOpenId !== undefined || wechatOaOpenId !== undefined) {
        await services.push.setWeChatOpenIdsAsAdmin(request.params.id, { openId: wechatOpenId, oaOpenId: wechatOaOpenId });
      }
      return { ...saved, ...(await weChatIds(request.params.id)) };
    },
  );

  app.get('/admin/users/:id', { schema: { tags: ['admin'], summary: 'A user profile, private fields included', params: Type.Object({ id: Id }) } }, async (request) => ({
    ...(await services.users.profile(request.params.id)),
    ...(await weChatIds(request.params.id)),
    // The mute or ban in force; null when none or when it ended.
    restriction: await services.restrictions.current(request.params.id),
  }));
};
