import { ReportBody, ConversationSettingsBody, ConversationsQuery, EditBody, ExchangeRequestBody, ExchangeRespondBody, GetMessageBody, HistoryQuery, Id, MarkReadBody, ReactionBody, SearchQuery, SendMessageBody, SyncQuery } from '@parley/protocol';
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { commandHandlers, type CommandCaller } from '../../gateways/commands/command-handlers.js';
import type { Metrics } from '../../metrics.js';
import type { Services } from '../../services/services.js';

const rest = (userId: number): CommandCaller => ({ userId, door: 'rest' });

/** Messages, conversations, read marks, exchange, recall and sync (docs/operations.md): commands run through the one command table. */
export const messageRoutes: FastifyPluginAsyncTypebox<{ services: Services; metrics: Metrics }> = async (app, { services, metrics }) => {
  const commands = commandHandlers(services, metrics);
  const { queries } = services;

  app.post('/messages', { schema: { tags: ['messages'], summary: 'Send a message', body: SendMessageBody } }, async (request, reply) => {
    const body = request.body;
    const sent = await commands.send(rest(request.userId), { ...body, extra: body.extra ?? null });
    return reply.status(sent.repeated ? 200 : 201).send(sent.result);
  });

  app.get(
    '/messages/conversations',
    { schema: { tags: ['messages'], summary: 'My conversations: pinned first, then newest activity first; archived ones only with archived=true', querystring: ConversationsQuery } },
    async (request) => {
      const { limit, before, archived } = request.query;
      return queries.conversations(request.userId, { ...(limit ? { limit } : {}), ...(before ? { before } : {}), archived: archived ?? false });
    },
  );

  app.get('/messages/unread', { schema: { tags: ['messages'], summary: 'Unread messages over all my conversations' } }, async (request) => ({
    unreadTotal: await services.conversationState.unreadTotal(request.userId),
  }));

  app.get(
    '/messages/search',
    { schema: { tags: ['messages'], summary: 'My messages containing a text (2–64 characters, any language), newest first', querystring: SearchQuery } },
    async (request) => services.search.search(request.userId, request.query),
  );

  app.get(
    '/messages/history/:userId',
    { schema: { tags: ['messages'], summary: 'History with a user, ascending seq', params: Type.Object({ userId: Id }), querystring: HistoryQuery } },
    async (request) => queries.history(request.userId, request.params.userId, request.query),
  );

  app.get(
    '/messages/:messageId',
    { schema: { tags: ['messages'], summary: 'One message of my conversations (MESSAGE_NOT_FOUND for any other id)', params: GetMessageBody } },
    async (request) => (await commands.getMessage(rest(request.userId), { messageId: request.params.messageId })).result,
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
      const upToSeq = request.body?.upToSeq;
      return (await commands.markRead(rest(request.userId), { conversationId: request.params.conversationId, ...(upToSeq !== undefined ? { upToSeq } : {}) })).result;
    },
  );

  app.post('/messages/exchange', { schema: { tags: ['exchange'], summary: 'Ask to exchange WeChat ids or photos', body: ExchangeRequestBody } }, async (request, reply) => {
    const requested = await commands.requestExchange(rest(request.userId), request.body);
    return reply.status(requested.repeated ? 200 : 201).send(requested.result);
  });

  app.post(
    '/messages/exchange/:messageId/respond',
    { schema: { tags: ['exchange'], summary: 'Accept or refuse an exchange request', params: Type.Object({ messageId: Id }), body: ExchangeRespondBody } },
    async (request) => {
      const { result, userSeq } = (await commands.respondExchange(rest(request.userId), { messageId: request.params.messageId, accept: request.body.accept })).result;
      return userSeq === undefined ? result : { ...result, userSeq };
    },
  );

  app.delete('/messages/:messageId', { schema: { tags: ['messages'], summary: 'Recall my message (within 2 minutes)', params: Type.Object({ messageId: Id }) } }, async (request) => {
    return (await commands.recall(rest(request.userId), { messageId: request.params.messageId })).result;
  });

  app.post('/reports', { schema: { tags: ['safety'], summary: 'Report a user I share a conversation with', body: ReportBody } }, async (request, reply) => {
    const reported = await commands.report(rest(request.userId), request.body);
    return reply.status(201).send(reported.result);
  });

  app.post(
    '/messages/conversations/:conversationId/unmatch',
    { schema: { tags: ['safety'], summary: 'Unmatch: end the conversation for both users', params: Type.Object({ conversationId: Id }) } },
    async (request) => (await commands.unmatch(rest(request.userId), { conversationId: request.params.conversationId })).result,
  );

  const messageParams = Type.Object({ messageId: Id });
  app.patch(
    '/messages/:messageId',
    { schema: { tags: ['messages'], summary: 'Edit my TEXT message (within the edit window)', params: messageParams, body: EditBody } },
    async (request) => (await commands.edit(rest(request.userId), { messageId: request.params.messageId, content: request.body.content })).result,
  );

  app.put(
    '/messages/:messageId/reaction',
    { schema: { tags: ['messages'], summary: 'Set or replace my reaction to a message', params: messageParams, body: ReactionBody } },
    async (request) => (await commands.react(rest(request.userId), { messageId: request.params.messageId, emoji: request.body.emoji })).result,
  );

  app.delete(
    '/messages/:messageId/reaction',
    { schema: { tags: ['messages'], summary: 'Take back my reaction to a message', params: messageParams } },
    async (request) => (await commands.react(rest(request.userId), { messageId: request.params.messageId, emoji: null })).result,
  );

  app.post(
    '/messages/:messageId/hide',
    { schema: { tags: ['messages'], summary: 'Delete a message for me (hidden on my devices only)', params: Type.Object({ messageId: Id }) } },
    async (request) => (await commands.hideMessage(rest(request.userId), { messageId: request.params.messageId })).result,
  );

  const conversationParams = Type.Object({ conversationId: Id });
  app.patch(
    '/messages/conversations/:conversationId',
    { schema: { tags: ['messages'], summary: 'Pin, mute or archive a conversation for me', params: conversationParams, body: ConversationSettingsBody } },
    async (request) => (await commands.updateConversation(rest(request.userId), { conversationId: request.params.conversationId, ...request.body })).result,
  );

  app.delete(
    '/messages/conversations/:conversationId',
    { schema: { tags: ['messages'], summary: 'Clear a conversation for me (history hidden, gone from my list until a new message)', params: conversationParams } },
    async (request) => (await commands.clearConversation(rest(request.userId), { conversationId: request.params.conversationId })).result,
  );

  app.get('/sync', { schema: { tags: ['sync'], summary: 'Changes after my userSeq `since`', querystring: SyncQuery } }, async (request) =>
    queries.sync(request.userId, request.query.since ?? 0, request.query.limit),
  );
};
