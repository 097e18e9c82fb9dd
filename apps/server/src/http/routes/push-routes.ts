import { WebPushSubscriptionBody, WebPushUnsubscribeBody, WeChatGrantBody, WeChatOpenIdBody } from '@parley/protocol';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Services } from '../../services/services.js';

/** `/push/**`: the signed-in user registers where offline notifications reach them (docs/notifications.md). */
export const pushRoutes: FastifyPluginAsyncTypebox<{ services: Services }> = async (app, { services }) => {
  const push = services.push;

  app.put('/push/wechat/openid', { schema: { tags: ['push'], summary: 'My mini-program openId, for WeChat subscribe messages', body: WeChatOpenIdBody } }, async (request, reply) => {
    await push.setWeChatOpenId(request.userId, request.body.openId);
    return reply.status(204).send();
  });

  app.put('/push/wechat/oa-openid', { schema: { tags: ['push'], summary: 'My Official Account openId, for WeChat template messages', body: WeChatOpenIdBody } }, async (request, reply) => {
    await push.setWeChatOaOpenId(request.userId, request.body.openId);
    return reply.status(204).send();
  });

  app.post(
    '/push/wechat/subscriptions',
    { schema: { tags: ['push'], summary: 'Report subscribe-message grants (each accept of wx.requestSubscribeMessage allows one message)', body: WeChatGrantBody } },
    async (request) => push.addWeChatGrants(request.userId, request.body.templateId, request.body.count ?? 1),
  );

  app.get('/push/wechat/subscriptions', { schema: { tags: ['push'], summary: 'Subscribe messages I have allowed and not yet received' } }, async (request) =>
    push.weChatGrantBalance(request.userId),
  );

  app.get('/push/webpush/key', { schema: { tags: ['push'], summary: "The VAPID public key to subscribe with (PushManager's applicationServerKey)" } }, async () =>
    push.webPushPublicKey(),
  );

  app.post('/push/webpush/subscriptions', { schema: { tags: ['push'], summary: "Register this browser's PushSubscription", body: WebPushSubscriptionBody } }, async (request, reply) => {
    await push.subscribeWebPush(request.userId, request.body);
    return reply.status(204).send();
  });

  app.delete('/push/webpush/subscriptions', { schema: { tags: ['push'], summary: "Remove this browser's PushSubscription", body: WebPushUnsubscribeBody } }, async (request, reply) => {
    await push.unsubscribeWebPush(request.userId, request.body.endpoint);
    return reply.status(204).send();
  });
};
