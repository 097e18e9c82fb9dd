/**
 * The SignalR door's names (docs/signalr.md): hub methods for commands, and the events pushed
 * to clients. Hub method names match in any case.
 */
import type { CommandName } from './commands.js';
import type { PushKind } from './push-kinds.js';

/** Hub method(s) of each command; an exchange request has one method per kind. */
export const HUB_COMMAND_METHODS = {
  send: ['SendMessage'],
  markRead: ['MarkAsRead'],
  typing: ['Typing'],
  requestExchange: ['ExchangeWeChat', 'ExchangePhoto'],
  respondExchange: ['RespondExchange'],
  recall: ['RecallMessage'],
  getMessage: ['GetMessage'],
  edit: ['EditMessage'],
  react: ['React'],
  report: ['Report'],
  unmatch: ['Unmatch'],
  hideMessage: ['HideMessage'],
  updateConversation: ['UpdateConversation'],
  clearConversation: ['ClearConversation'],
} as const satisfies Record<CommandName, readonly [string, ...string[]]>;

/** Hub methods that are not commands: accepted for clients written for group-based hubs; they only check participation. */
export const HUB_GROUP_METHODS = ['JoinGroup', 'LeaveGroup'] as const;

export type HubMethodName = (typeof HUB_COMMAND_METHODS)[CommandName][number] | (typeof HUB_GROUP_METHODS)[number];

/**
 * Event(s) each push kind arrives as. A message is `MessageSent` on the connection whose
 * `SendMessage` stored it and `ReceiveMessage` everywhere else; presence is two events.
 */
export const HUB_PUSH_EVENTS = {
  message: ['ReceiveMessage', 'MessageSent'],
  read: ['MessagesRead'],
  typing: ['UserTyping'],
  presence: ['UserOnline', 'UserOffline'],
  recall: ['MessageRecalled'],
  exchange: ['ExchangeResponded'],
  edit: ['MessageEdited'],
  reaction: ['ReactionChanged'],
  hide: ['MessageHidden'],
  conversation: ['ConversationChanged'],
} as const satisfies Record<PushKind, readonly [string, ...string[]]>;

export type HubEventName = (typeof HUB_PUSH_EVENTS)[PushKind][number];
