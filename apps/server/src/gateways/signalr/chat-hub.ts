import { ConversationSettingsBody, HubSendMessageDto, Id, StompEditBody, StompReactBody, ReportBody, toHubMessage, type CommandName, type HUB_COMMAND_METHODS, type HUB_GROUP_METHODS, type Message } from '@parley/protocol';
import { Type } from '@sinclair/typebox';
import { AppError } from '../../domain/app-error.js';
import type { MessageQueries } from '../../services/message-queries.js';
import type { CommandCaller, CommandHandlers } from '../commands/command-handlers.js';
import { payloadValidator } from '../payload-validator.js';
import { toSendCommand } from './send-command.js';

/** Who is calling a hub method: the authenticated user on one connection. */
export interface HubCaller {
  readonly userId: number;
  /** The SignalR connection id: the origin of the events the call causes. */
  readonly connectionId: string;
  /** Remembers a tempId's original JSON value (number or string) while its send is in flight. */
  rememberTempId(tempId: unknown): () => void;
  /** The tempId as the client sent it, for a stored clientMsgId. */
  tempIdOf(clientMsgId: string): unknown;
  /** Pushes an already stored message to this connection only, as if this call had stored it (a repeated tempId). */
  echo(message: Message): void;
}

/** One hub method: takes the positional arguments, returns the Completion result (undefined = void). */
export type HubMethod = (caller: HubCaller, args: unknown[]) => Promise<unknown>;

/** Each command's hub methods, under exactly the names `HUB_COMMAND_METHODS` gives them. */
type HubMethodsOfCommands = { readonly [N in CommandName]: Readonly<Record<(typeof HUB_COMMAND_METHODS)[N][number], HubMethod>> };

const sendDto = payloadValidator(HubSendMessageDto, 'dto');
const id = (what: string) => payloadValidator(Id, what);
const bool = (what: string) => payloadValidator(Type.Boolean(), what);
const receiverIdArg = id('receiverId');
const sessionIdArg = id('sessionId');
const messageIdArg = id('messageId');
const upToSeqArg = payloadValidator(Type.Union([Type.Integer({ minimum: 0 }), Type.Null()]), 'upToSeq');
const isTypingArg = bool('isTyping');
const acceptArg = bool('accept');
const contentArg = payloadValidator(StompEditBody.properties.content, 'content');
const emojiArg = payloadValidator(StompReactBody.properties.emoji, 'emoji');
const reportDto = payloadValidator(ReportBody, 'dto');
const conversationIdArg = id('conversationId');
const settingsArg = payloadValidator(ConversationSettingsBody, 'settings');

function arity(name: string, args: unknown[], min: number, max = min): void {
  if (args.length < min || args.length > max) {
    const expected = min === max ? `${min}` : `${min} to ${max}`;
    throw new AppError('VALIDATION_FAILED', `${name} takes ${expected} argument${max === 1 ? '' : 's'}, got ${args.length}`);
  }
}

const callerOf = (caller: HubCaller): CommandCaller => ({ userId: caller.userId, door: 'signalr', connectionId: caller.connectionId });
const withUserSeq = <T extends object>(body: T, userSeq: number | undefined) => (userSeq === undefined ? body : { ...body, userSeq });

/**
 * The ChatHub that apps were written against (docs/signalr.md), over the one command table:
 * each method checks its positional arguments, runs the command as the authenticated user and
 * answers in the hub's shapes (integer message types, `sessionId` for the conversation id).
 * Keys are lower case: hub method names match in any case, as in ASP.NET Core.
 */
export function chatHub(commands: CommandHandlers, queries: MessageQueries): ReadonlyMap<string, HubMethod> {
  const hubMessage = (caller: HubCaller, message: Message) => {
    const hub: Record<string, unknown> = { ...toHubMessage(message) };
    if (message.clientMsgId !== null) hub.tempId = caller.tempIdOf(message.clientMsgId);
    return hub;
  };
  const exchange = (kind: 'WECHAT' | 'PHOTO', name: string): HubMethod => async (caller, args) => {
    arity(name, args, 1);
    const requested = await commands.requestExchange(callerOf(caller), { receiverId: receiverIdArg(args[0]), kind });
    // Asking again stores and publishes nothing: show the pending request to a caller that
    // invoked without invocationId and so sees no completion.
    if (requested.repeated) caller.echo(requested.result);
    return withUserSeq(hubMessage(caller, requested.result), requested.result.userSeq);
  };
  const group = (name: string): HubMethod => async (caller, args) => {
    arity(name, args, 1);
    // Pushes go to users, not groups: joining or leaving only checks that the conversation is the caller's.
    await queries.requireParticipant(caller.userId, sessionIdArg(args[0]));
    return undefined;
  };

  const commandMethods: HubMethodsOfCommands = {
    send: {
      async SendMessage(caller, args) {
        arity('SendMessage', args, 1);
        const dto = sendDto(args[0]);
        const forget = caller.rememberTempId(dto.tempId);
        try {
          const sent = await commands.send(callerOf(caller), toSendCommand(dto));
          // A repeat stored and published nothing: still acknowledge it with MessageSent, since
          // clients that send without invocationId (hand-written mini-program clients) learn the id only so.
          if (sent.repeated) caller.echo(sent.result);
          return withUserSeq(hubMessage(caller, sent.result), sent.result.userSeq);
        } finally {
          forget();
        }
      },
    },
    markRead: {
      async MarkAsRead(caller, args) {
        arity('MarkAsRead', args, 1, 2);
        const upToSeq = args.length > 1 ? upToSeqArg(args[1]) : null;
        const conversationId = sessionIdArg(args[0]);
        const { result } = await commands.markRead(callerOf(caller), { conversationId, ...(upToSeq !== null ? { upToSeq } : {}) });
        return withUserSeq({ sessionId: result.conversationId, readUpToSeq: result.readUpToSeq, unreadCount: result.unreadCount }, result.userSeq);
      },
    },
    typing: {
      async Typing(caller, args) {
        arity('Typing', args, 2);
        const receiverId = receiverIdArg(args[0]);
        await commands.typing(callerOf(caller), { receiverId, typing: isTypingArg(args[1]) });
        return undefined;
      },
    },
    requestExchange: { ExchangeWeChat: exchange('WECHAT', 'ExchangeWeChat'), ExchangePhoto: exchange('PHOTO', 'ExchangePhoto') },
    respondExchange: {
      async RespondExchange(caller, args) {
        arity('RespondExchange', args, 2);
        const messageId = messageIdArg(args[0]);
        const { result } = await commands.respondExchange(callerOf(caller), { messageId, accept: acceptArg(args[1]) });
        return withUserSeq({ ...result.answer }, result.userSeq);
      },
    },
    recall: {
      async RecallMessage(caller, args) {
        arity('RecallMessage', args, 1);
        const { result } = await commands.recall(callerOf(caller), { messageId: messageIdArg(args[0]) });
        return withUserSeq(hubMessage(caller, result), result.userSeq);
      },
    },
    getMessage: {
      async GetMessage(caller, args) {
        arity('GetMessage', args, 1);
        const { result } = await commands.getMessage(callerOf(caller), { messageId: messageIdArg(args[0]) });
        return hubMessage(caller, result);
      },
    },
    edit: {
      async EditMessage(caller, args) {
        arity('EditMessage', args, 2);
        const messageId = messageIdArg(args[0]);
        const { result } = await commands.edit(callerOf(caller), { messageId, content: contentArg(args[1]) });
        return withUserSeq(hubMessage(caller, result), result.userSeq);
      },
    },
    react: {
      async React(caller, args) {
        // React(messageId) or React(messageId, null) takes the caller's reaction back.
        arity('React', args, 1, 2);
        const messageId = messageIdArg(args[0]);
        const { result } = await commands.react(callerOf(caller), { messageId, emoji: args.length > 1 ? emojiArg(args[1]) : null });
        const { conversationId, userSeq, ...change } = result;
        return withUserSeq({ sessionId: conversationId, ...change }, userSeq);
      },
    },
    report: {
      async Report(caller, args) {
        arity('Report', args, 1);
        return (await commands.report(callerOf(caller), reportDto(args[0]))).result;
      },
    },
    unmatch: {
      async Unmatch(caller, args) {
        arity('Unmatch', args, 1);
        const { result } = await commands.unmatch(callerOf(caller), { conversationId: conversationIdArg(args[0]) });
        return withUserSeq({ sessionId: result.conversationId, state: result.state }, result.userSeq);
      },
    },
    hideMessage: {
      async HideMessage(caller, args) {
        arity('HideMessage', args, 1);
        const { result } = await commands.hideMessage(callerOf(caller), { messageId: messageIdArg(args[0]) });
        return withUserSeq({ sessionId: result.conversationId, messageId: result.messageId, seq: result.seq }, result.userSeq);
      },
    },
    updateConversation: {
      async UpdateConversation(caller, args) {
        arity('UpdateConversation', args, 2);
        const conversationId = conversationIdArg(args[0]);
        const { result } = await commands.updateConversation(callerOf(caller), { conversationId, ...settingsArg(args[1]) });
        return withUserSeq({ sessionId: result.conversationId, pinned: result.pinned, muted: result.muted, archived: result.archived }, result.userSeq);
      },
    },
    clearConversation: {
      async ClearConversation(caller, args) {
        arity('ClearConversation', args, 1);
        const { result } = await commands.clearConversation(callerOf(caller), { conversationId: conversationIdArg(args[0]) });
        return withUserSeq({ sessionId: result.conversationId, clearedUpToSeq: result.clearedUpToSeq }, result.userSeq);
      },
    },
  };
  const groupMethods: Readonly<Record<(typeof HUB_GROUP_METHODS)[number], HubMethod>> = { JoinGroup: group('JoinGroup'), LeaveGroup: group('LeaveGroup') };

  const methods: [string, HubMethod][] = [...Object.values(commandMethods).flatMap((named) => Object.entries(named)), ...Object.entries(groupMethods)];
  return new Map(methods.map(([name, method]) => [name.toLowerCase(), method]));
}
