import { fromHubMessage, HUB_PUSH_EVENTS, type ExchangeAnswer, type PushKind, type WireHubMessage } from '@parley/protocol';
import type { RealtimePush } from './realtime-connection.js';

type Fields = Record<string, unknown>;

/** Hub event names as SignalR matches them (in any case), with the push kind each is. */
const KIND_BY_EVENT = new Map<string, PushKind>(
  (Object.entries(HUB_PUSH_EVENTS) as Array<[PushKind, readonly string[]]>).flatMap(([kind, events]) => events.map((event) => [event.toLowerCase(), kind] as const)),
);
const MESSAGE_SENT = HUB_PUSH_EVENTS.message[1].toLowerCase();
const USER_ONLINE = HUB_PUSH_EVENTS.presence[0].toLowerCase();

const userSeqOf = (fields: Fields): number | null =>
  typeof fields.userSeq === 'number' && Number.isSafeInteger(fields.userSeq) ? fields.userSeq : null;

/**
 * @internal
 * One hub event as a canonical push (event names and shapes in docs/signalr.md). `MessageSent`
 * gives null: it only tells the sending connection that its SendMessage was stored, and this
 * client takes the stored message from that invocation's completion instead, which carries all
 * of it. Unknown events give null too.
 */
export function decodeHubEvent(target: string, args: readonly unknown[]): RealtimePush | null {
  const fields = (args[0] && typeof args[0] === 'object' ? args[0] : {}) as Fields;
  const event = target.toLowerCase();
  const kind = KIND_BY_EVENT.get(event);
  switch (kind) {
    case 'message':
      if (event === MESSAGE_SENT) return null;
      return { kind, data: fromHubMessage(fields as unknown as WireHubMessage), userSeq: userSeqOf(fields) };
    case 'read':
      return {
        kind,
        data: { conversationId: Number(fields.sessionId), readerId: Number(fields.readerId), readUpToSeq: Number(fields.readUpToSeq) },
        userSeq: userSeqOf(fields),
      };
    case 'recall':
      return {
        kind,
        data: { conversationId: Number(fields.sessionId), messageId: Number(fields.messageId), seq: Number(fields.seq) },
        userSeq: userSeqOf(fields),
      };
    case 'exchange': {
      const { userSeq: _userSeq, ...answer } = fields;
      return { kind, data: answer as unknown as ExchangeAnswer, userSeq: userSeqOf(fields) };
    }
    case 'typing':
      return { kind, data: { conversationId: Number(fields.sessionId), userId: Number(fields.userId), typing: fields.isTyping === true } };
    case 'presence':
      return {
        kind,
        data: {
          userId: Number(fields.userId),
          online: event === USER_ONLINE,
          lastSeenAt: event !== USER_ONLINE && typeof fields.lastSeenAt === 'string' ? fields.lastSeenAt : null,
        },
      };
    case undefined:
      return null;
  }
}
