import { ConversationsQuery, ExchangeRequestBody, ExchangeRespondBody, HistoryQuery, Id, MarkReadBody, SendMessageBody, SyncQuery } from '@parley/protocol';
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Services } from '../../services/services.js';

const withUserSeq = <T extends object>(body: T, userSeq: number | null) => (userSeq === null ? body : { ...body, userSeq });

/** Messages, conversations, read marks, exchange, recall and sync (contract §4, §6). */
export const messageRoutes: FastifyPluginAsyncTypebox<{ services: Services }> = async (app, { services }) => {
  const { messaging, exchange } = services;

  app.post('/messages', { schema: { tags: ['messages'], summary: 'Send a message', body: SendMessageBody } }, async (request, reply) => {
    const body = request.body;
    const result = await messaging.send(request.userId, {
      receiverId: body.receiverId,
      messageType: body.messageType,
      content: body.content,
      clientMsgId: body.clientMsgId,
      extra: body.extra ?? null,
    });
    return reply.status(result.duplicate ? 200 : 201).send(withUserSeq(result.message, result.userSeq));
  });

  app.get('/messages/conversations', { schema: { tags: ['messages'], summary: 'My conversations, newest activity first', querystring: ConversationsQuery } }, async (request) => {
    const { limit, before } = request.query;
    return messaging.conversations(request.userId, { ...(limit ? { limit } : {}), ...(before ? { before } : {}) });
  });

  app.get(
    '/messages/history/:userId',
    { schema: { tags: ['messages'], summary: 'History with a user, ascending seq', params: Type.Object({ userId: Id }), querystring: HistoryQuery } },
    async (request) => messaging.history(request.userId, request.params.userId, request.query),
  );

  app.put(
    '/messages/read/:conversationId',
    {
      schema: { tags: ['messages'], summary: 'Mark a conversation read (up to upToSeq, or all)', params: Type.Object({ conversationId: Id }), body: Type.Optional(MarkReadBody) },
      preValidation: async (request) => {
        request.body ??= {};
      },
    },
    async (request) => {
      const result = await messaging.markRead(request.userId, request.params.conversationId, request.body?.upToSeq ?? null);
      return withUserSeq({ conversationId: result.conversationId, readUpToSeq: result.readUpToSeq, unreadCount: result.unreadCount }, result.userSeq);
    },
  );

  app.post('/messages/exchange', { schema: { tags: ['exchange'], summary: 'Ask to exchange WeChat ids or photos', body: ExchangeRequestBody } }, async (request, reply) => {
    const result = await exchange.request(request.userId, request.body.receiverId, request.body.kind);
    return reply.status(result.created ? 201 : 200).send(withUserSeq(result.message, result.userSeq));
  });

  app.post(
    '/messages/exchange/:messageId/respond',
    { schema: { tags: ['exchange'], summary: 'Accept or refuse an exchange request', params: Type.Object({ messageId: Id }), body: ExchangeRespondBody } },
    async (request) => {
      const result = await exchange.respond(request.userId, request.params.messageId, request.body.accept);
      return withUserSeq(result.result, result.userSeq);
    },
  );

  app.delete('/messages/:messageId', { schema: { tags: ['messages'], summary: 'Recall my message (within 2 minutes)', params: Type.Object({ messageId: Id }) } }, async (request) => {
    const result = await messaging.recall(request.userId, request.params.messageId);
    return withUserSeq(result.message, result.userSeq);
  });

  app.get('/sync', { schema: { tags: ['sync'], summary: 'Changes after my userSeq `since`', querystring: SyncQuery } }, async (request) =>
    messaging.sync(request.userId, request.query.since ?? 0, request.query.limit),
  );
};
