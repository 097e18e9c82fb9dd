import { fromHubMessage, type ExchangeAnswer, type WireHubMessage } from '@parley/protocol';
import type { RealtimePush } from './realtime-connection.js';

type Fields = Record<string, unknown>;

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
  switch (target.toLowerCase()) {
    case 'receivemessage':
      return { kind: 'message', data: fromHubMessage(fields as unknown as WireHubMessage), userSeq: userSeqOf(fields) };
    case 'messagesread':
      return {
        kind: 'read',
        data: { conversationId: Number(fields.sessionId), readerId: Number(fields.readerId), readUpToSeq: Number(fields.readUpToSeq) },
        userSeq: userSeqOf(fields),
      };
    case 'messagerecalled':
      return {
        kind: 'recall',
        data: { conversationId: Number(fields.sessionId), messageId: Number(fields.messageId), seq: Number(fields.seq) },
        userSeq: userSeqOf(fields),
      };
    case 'exchangeresponded': {
      const { userSeq: _userSeq, ...answer } = fields;
      return { kind: 'exchange', data: answer as unknown as ExchangeAnswer, userSeq: userSeqOf(fields) };
    }
    case 'usertyping':
      return { kind: 'typing', data: { conversationId: Number(fields.sessionId), userId: Number(fields.userId), typing: fields.isTyping === true } };
    case 'useronline':
      return { kind: 'presence', data: { userId: Number(fields.userId), online: true, lastSeenAt: null } };
    case 'useroffline':
      return {
        kind: 'presence',
        data: { userId: Number(fields.userId), online: false, lastSeenAt: typeof fields.lastSeenAt === 'string' ? fields.lastSeenAt : null },
      };
    default:
      return null;
  }
}
