import { HubSendMessageDto, Id, toHubMessage, type Message } from '@parley/protocol';
import { Type } from '@sinclair/typebox';
import { AppError } from '../../domain/app-error.js';
import type { Services } from '../../services/services.js';
import { payloadValidator } from '../payload-validator.js';
import { toSendCommand } from './send-command.js';

/** Who is calling a hub method: the authenticated user on one connection. */
export interface HubCaller {
  readonly userId: number;
  /** The connection's ClientSession id: the origin of the events the call causes. */
  readonly sessionId: string;
  /** Remembers a tempId's original JSON value (number or string) while its send is in flight. */
  rememberTempId(tempId: unknown): () => void;
  /** The tempId as the client sent it, for a stored clientMsgId. */
  tempIdOf(clientMsgId: string): unknown;
  /** Pushes an already stored message to this connection only, as if this call had stored it (a repeated tempId). */
  echo(message: Message): void;
}

/** One hub method: takes the positional arguments, returns the Completion result (undefined = void). */
export type HubMethod = (caller: HubCaller, args: unknown[]) => Promise<unknown>;

const sendDto = payloadValidator(HubSendMessageDto, 'dto');
const id = (what: string) => payloadValidator(Id, what);
const bool = (what: string) => payloadValidator(Type.Boolean(), what);
const receiverIdArg = id('receiverId');
const sessionIdArg = id('sessionId');
const messageIdArg = id('messageId');
const upToSeqArg = payloadValidator(Type.Union([Type.Integer({ minimum: 0 }), Type.Null()]), 'upToSeq');
const isTypingArg = bool('isTyping');
const acceptArg = bool('accept');

function arity(name: string, args: unknown[], min: number, max = min): void {
  if (args.length < min || args.length > max) {
    const expected = min === max ? `${min}` : `${min} to ${max}`;
    throw new AppError('VALIDATION_FAILED', `${name} takes ${expected} argument${max === 1 ? '' : 's'}, got ${args.length}`);
  }
}

/**
 * The ChatHub that apps were written against, over the domain services: each method checks its
 * arguments once, acts as the authenticated user only, and returns the Completion result.
 * Keys are lower case: hub method names match in any case, as in ASP.NET Core.
 */
export function chatHub(services: Services, onSent: () => void): ReadonlyMap<string, HubMethod> {
  const hubMessage = (caller: HubCaller, message: Message) => {
    const hub: Record<string, unknown> = { ...toHubMessage(message) };
    if (message.clientMsgId !== null) hub.tempId = caller.tempIdOf(message.clientMsgId);
    return hub;
  };
  const exchange = (kind: 'WECHAT' | 'PHOTO', name: string): HubMethod => async (caller, args) => {
    arity(name, args, 1);
    const result = await services.exchange.request(caller.userId, receiverIdArg(args[0]), kind, caller.sessionId);
    // Asking again stores and publishes nothing: show the pending request to a caller that
    // invoked without invocationId and so sees no completion.
    if (!result.created) caller.echo(result.message);
    return { ...hubMessage(caller, result.message), ...(result.userSeq !== null ? { userSeq: result.userSeq } : {}) };
  };
  const methods: Record<string, HubMethod> = {
    async SendMessage(caller, args) {
      arity('SendMessage', args, 1);
      const dto = sendDto(args[0]);
      const command = toSendCommand(dto);
      const forget = caller.rememberTempId(dto.tempId);
      try {
        const result = await services.messaging.send(caller.userId, command, caller.sessionId);
        if (!result.duplicate) onSent();
        // A repeat stored and published nothing: still acknowledge it with MessageSent, since
        // clients that send without invocationId (hand-written mini-program clients) learn the id only so.
        else caller.echo(result.message);
        return { ...hubMessage(caller, result.message), ...(result.userSeq !== null ? { userSeq: result.userSeq } : {}) };
      } finally {
        forget();
      }
    },
    async MarkAsRead(caller, args) {
      arity('MarkAsRead', args, 1, 2);
      const upToSeq = args.length > 1 ? upToSeqArg(args[1]) : null;
      const result = await services.messaging.markRead(caller.userId, sessionIdArg(args[0]), upToSeq);
      return { sessionId: result.conversationId, readUpToSeq: result.readUpToSeq, unreadCount: result.unreadCount, ...(result.userSeq !== null ? { userSeq: result.userSeq } : {}) };
    },
    async Typing(caller, args) {
      arity('Typing', args, 2);
      const receiverId = receiverIdArg(args[0]);
      await services.typing.typing(caller.userId, receiverId, isTypingArg(args[1]));
      return undefined;
    },
    ExchangeWeChat: exchange('WECHAT', 'ExchangeWeChat'),
    ExchangePhoto: exchange('PHOTO', 'ExchangePhoto'),
    async RespondExchange(caller, args) {
      arity('RespondExchange', args, 2);
      const messageId = messageIdArg(args[0]);
      const result = await services.exchange.respond(caller.userId, messageId, acceptArg(args[1]), caller.sessionId);
      return { ...result.answer, ...(result.userSeq !== null ? { userSeq: result.userSeq } : {}) };
    },
    async RecallMessage(caller, args) {
      arity('RecallMessage', args, 1);
      const result = await services.messaging.recall(caller.userId, messageIdArg(args[0]));
      return { ...hubMessage(caller, result.message), ...(result.userSeq !== null ? { userSeq: result.userSeq } : {}) };
    },
  };
  return new Map(Object.entries(methods).map(([name, method]) => [name.toLowerCase(), method]));
}
