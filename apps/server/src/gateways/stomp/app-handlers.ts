import { ExchangeRequestBody, RecallBody, SendMessageBody, StompExchangeRespondBody, StompMarkReadBody, TypingBody, type Message } from '@parley/protocol';
import type { Services } from '../../services/services.js';
import { payloadValidator } from '../payload-validator.js';

/** What an application handler may use: the authenticated caller and the services. */
export interface StompCommandContext {
  readonly userId: number;
  readonly sessionId: string;
  readonly services: Services;
  /** Pushes a message to this connection only, without user-seq (the answer to a repeated send). */
  echoToSelf(message: Message): void;
}

/**
 * Handles one `SEND /app/<name>` body (parsed JSON). Resolves once the operation is committed;
 * throws AppError for the client's mistakes. Pushes to the users concerned go through delivery.
 */
export type StompCommandHandler = (context: StompCommandContext, body: unknown) => Promise<void>;

const sendBody = payloadValidator(SendMessageBody, 'body');
const readBody = payloadValidator(StompMarkReadBody, 'body');
const typingBody = payloadValidator(TypingBody, 'body');
const exchangeBody = payloadValidator(ExchangeRequestBody, 'body');
const respondBody = payloadValidator(StompExchangeRespondBody, 'body');
const recallBody = payloadValidator(RecallBody, 'body');

/** `/app/<name>` → handler. */
export const APP_HANDLERS: Readonly<Record<string, StompCommandHandler>> = {
  'chat.send': async (ctx, body) => {
    const command = sendBody(body);
    const result = await ctx.services.messaging.send(
      ctx.userId,
      { receiverId: command.receiverId, messageType: command.messageType, content: command.content, clientMsgId: command.clientMsgId, extra: command.extra ?? null },
      ctx.sessionId,
    );
    if (result.duplicate) ctx.echoToSelf(result.message);
  },
  'chat.read': async (ctx, body) => {
    const command = readBody(body);
    await ctx.services.messaging.markRead(ctx.userId, command.conversationId, command.upToSeq ?? null);
  },
  'chat.typing': async (ctx, body) => {
    const command = typingBody(body);
    await ctx.services.typing.typing(ctx.userId, command.receiverId, command.typing);
  },
  'chat.exchange': async (ctx, body) => {
    const command = exchangeBody(body);
    const result = await ctx.services.exchange.request(ctx.userId, command.receiverId, command.kind, ctx.sessionId);
    if (!result.created) ctx.echoToSelf(result.message);
  },
  'chat.exchange.respond': async (ctx, body) => {
    const command = respondBody(body);
    await ctx.services.exchange.respond(ctx.userId, command.messageId, command.accept, ctx.sessionId);
  },
  'chat.recall': async (ctx, body) => {
    const command = recallBody(body);
    await ctx.services.messaging.recall(ctx.userId, command.messageId);
  },
};
