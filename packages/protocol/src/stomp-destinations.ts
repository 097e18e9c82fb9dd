/**
 * The STOMP door's names (docs/protocols/stomp.md): `SEND` destinations for commands and the
 * user queues a client subscribes to for pushes.
 */
import type { CommandName } from './commands.js';
import type { PushKind } from './push-kinds.js';

/** Prefix of destinations handled by the server's application handlers (Spring's `/app`). */
export const STOMP_APP_PREFIX = '/app/';

/** `SEND` destination of each command. */
export const STOMP_COMMAND_DESTINATIONS = {
  send: '/app/chat.send',
  markRead: '/app/chat.read',
  typing: '/app/chat.typing',
  requestExchange: '/app/chat.exchange',
  respondExchange: '/app/chat.exchange.respond',
  recall: '/app/chat.recall',
  getMessage: '/app/chat.get',
  edit: '/app/chat.edit',
  react: '/app/chat.react',
  report: '/app/chat.report',
  unmatch: '/app/chat.unmatch',
  hideMessage: '/app/chat.hide',
  updateConversation: '/app/chat.settings',
  clearConversation: '/app/chat.clear',
} as const satisfies Record<CommandName, `/app/${string}`>;

/** The user queue each push kind arrives on. */
export const STOMP_PUSH_QUEUES = {
  message: '/user/queue/messages',
  read: '/user/queue/read',
  typing: '/user/queue/typing',
  presence: '/user/queue/presence',
  recall: '/user/queue/recalls',
  exchange: '/user/queue/exchange',
  edit: '/user/queue/edits',
  reaction: '/user/queue/reactions',
  hide: '/user/queue/hides',
  conversation: '/user/queue/conversations',
} as const satisfies Record<PushKind, `/user/queue/${string}`>;

/** Failed commands: `{code, message, destination, clientMsgId?, retryAfterMs?}`. */
export const STOMP_ERRORS_QUEUE = '/user/queue/errors';

/**
 * Answers to `chat.get`: the message, to the asking connection only, before its RECEIPT. Not
 * `/user/queue/messages`, which means "a new message arrived".
 */
export const STOMP_FETCHED_QUEUE = '/user/queue/fetched';

/** Answers to `chat.report`: the stored report, to the reporting connection only. */
export const STOMP_REPORTS_QUEUE = '/user/queue/reports';

/** Every destination a client may SUBSCRIBE to: its own user queues. */
export const STOMP_SUBSCRIBABLE_QUEUES: readonly string[] = [...Object.values(STOMP_PUSH_QUEUES), STOMP_ERRORS_QUEUE, STOMP_FETCHED_QUEUE, STOMP_REPORTS_QUEUE];
