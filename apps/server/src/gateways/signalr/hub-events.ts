import { SENDABLE_MESSAGE_TYPES, toHubMessage, type ExchangeAnswer, type HubEventName, type Message } from '@parley/protocol';
import type { DeliveryEvent, PushRecipient } from '../../domain/delivery-event.js';

/** One server-to-client invocation: the event name and its single argument. */
export interface HubEvent {
  /** One of the protocol's `HUB_PUSH_EVENTS`. */
  target: HubEventName;
  argument: Record<string, unknown>;
}

/**
 * A domain event as seen by one SignalR connection: the ChatHub's event names and
 * shapes, plus `userSeq` when the change is in the recipient's update log. The connection whose
 * SendMessage caused a message gets `MessageSent`; every other connection gets `ReceiveMessage`.
 * `tempIdOf` gives back a tempId in the type the client sent it (a number stays a number).
 */
export function hubEventFor(event: DeliveryEvent, recipient: PushRecipient, sessionId: string, tempIdOf: (clientMsgId: string) => unknown = (id) => id): HubEvent {
  const withSeq = (argument: Record<string, unknown>) => (recipient.userSeq === null ? argument : { ...argument, userSeq: recipient.userSeq });
  switch (event.kind) {
    case 'message': {
      const message = (recipient.body as Message | undefined) ?? event.body;
      const tempId = message.clientMsgId === null ? null : tempIdOf(message.clientMsgId);
      if (event.originSessionId === sessionId && (SENDABLE_MESSAGE_TYPES as readonly string[]).includes(message.messageType)) {
        return {
          target: 'MessageSent',
          argument: withSeq({ tempId, messageId: message.id, sessionId: message.conversationId, seq: message.seq, createTime: message.createdAt }),
        };
      }
      const hub: Record<string, unknown> = { ...toHubMessage(message) };
      if (tempId !== null) hub.tempId = tempId;
      return { target: 'ReceiveMessage', argument: withSeq(hub) };
    }
    case 'read': {
      const body = event.body;
      return { target: 'MessagesRead', argument: withSeq({ sessionId: body.conversationId, readerId: body.readerId, readUpToSeq: body.readUpToSeq }) };
    }
    case 'typing': {
      const body = event.body;
      return { target: 'UserTyping', argument: { sessionId: body.conversationId, userId: body.userId, isTyping: body.typing } };
    }
    case 'presence': {
      const body = event.body;
      return body.online
        ? { target: 'UserOnline', argument: { userId: body.userId } }
        : { target: 'UserOffline', argument: { userId: body.userId, lastSeenAt: body.lastSeenAt } };
    }
    case 'recall': {
      const body = event.body;
      return { target: 'MessageRecalled', argument: withSeq({ sessionId: body.conversationId, messageId: body.messageId, seq: body.seq }) };
    }
    case 'exchange': {
      const body = (recipient.body as ExchangeAnswer | undefined) ?? event.body;
      return { target: 'ExchangeResponded', argument: withSeq({ ...body }) };
    }
    case 'edit':
      return { target: 'MessageEdited', argument: withSeq({ ...toHubMessage((recipient.body as Message | undefined) ?? event.body) }) };
    case 'reaction': {
      const { conversationId, ...change } = event.body;
      return { target: 'ReactionChanged', argument: withSeq({ sessionId: conversationId, ...change }) };
    }
    case 'hide': {
      const body = event.body;
      return { target: 'MessageHidden', argument: withSeq({ sessionId: body.conversationId, messageId: body.messageId, seq: body.seq }) };
    }
    case 'conversation': {
      const { conversationId, ...change } = event.body;
      return { target: 'ConversationChanged', argument: withSeq({ sessionId: conversationId, ...change }) };
    }
  }
}
