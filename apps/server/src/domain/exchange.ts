import type { ExchangeAnswer, ExchangedData, ExchangeKind, MessageType } from '@parley/protocol';
import { peerOf } from './conversation-pair.js';

/**
 * The rules of a consent-based exchange of WeChat ids or photos: which message types carry it,
 * and what each side is shown of an accepted one. Private data is revealed only both at once,
 * and each viewer sees only the other side's data, never their own echoed back.
 */

export const REQUEST_TYPE: Record<ExchangeKind, MessageType> = { WECHAT: 'EXCHANGE_WECHAT_REQUEST', PHOTO: 'EXCHANGE_PHOTO_REQUEST' };
export const RESULT_TYPE: Record<ExchangeKind, MessageType> = { WECHAT: 'EXCHANGE_WECHAT_RESULT', PHOTO: 'EXCHANGE_PHOTO_RESULT' };

const KIND_OF_REQUEST: ReadonlyMap<string, ExchangeKind> = new Map(
  (Object.entries(REQUEST_TYPE) as [ExchangeKind, MessageType][]).map(([kind, type]) => [type, kind]),
);

/** The kind of exchange a message asks for, or undefined when it is not an exchange request. */
export function exchangeKindOfRequest(messageType: string): ExchangeKind | undefined {
  return KIND_OF_REQUEST.get(messageType);
}

/** The private fields of a profile that an exchange can reveal. */
export interface ExchangeableProfile {
  id: number;
  wechatId: string | null;
  photoUrls: readonly string[];
}

/** What `profile` would reveal in an exchange of `kind`, or null when it has nothing to give. */
export function exchangedDataOf(profile: ExchangeableProfile, kind: ExchangeKind): ExchangedData | null {
  if (kind === 'WECHAT') return profile.wechatId ? { userId: profile.id, wechatId: profile.wechatId } : null;
  return profile.photoUrls.length > 0 ? { userId: profile.id, photoUrls: [...profile.photoUrls] } : null;
}

/** What an accepted exchange revealed: both sides' data, taken together in one transaction. */
export interface RevealedPair {
  requester: ExchangedData;
  responder: ExchangedData;
}

/** The data `viewerId` is shown of an answered exchange: the other side's, or null when nothing was revealed. */
export function exchangedDataFor(viewerId: number, requesterId: number, revealed: RevealedPair | null): ExchangedData | null {
  if (!revealed) return null;
  return viewerId === requesterId ? revealed.responder : revealed.requester;
}

export interface AnsweredExchange {
  requestId: number;
  requesterId: number;
  responderId: number;
  kind: ExchangeKind;
  accepted: boolean;
  revealed: RevealedPair | null;
}

/** The answer as `viewerId` (the requester or the responder) receives it. */
export function exchangeAnswerFor(viewerId: number, exchange: AnsweredExchange): ExchangeAnswer {
  return {
    messageId: exchange.requestId,
    requesterId: exchange.requesterId,
    responderId: exchange.responderId,
    kind: exchange.kind,
    accepted: exchange.accepted,
    exchangedData: exchangedDataFor(viewerId, exchange.requesterId, exchange.revealed),
  };
}

/**
 * The `extra` of an exchange result message as stored: what both sides revealed, keyed by user
 * id, so that any later reader (history, sync, the message by id) can show each viewer their
 * peer's data alone.
 */
export function resultExtra(exchange: AnsweredExchange): Record<string, unknown> {
  const extra: Record<string, unknown> = { requestId: exchange.requestId, accepted: exchange.accepted };
  if (exchange.revealed) {
    extra.revealed = { [String(exchange.requesterId)]: exchange.revealed.requester, [String(exchange.responderId)]: exchange.revealed.responder };
  }
  return extra;
}

/**
 * A stored message's `extra` as `viewerId` sees it. A result message's `revealed` map never leaves
 * the server: it is replaced by `exchangedData`, the viewer's peer's entry (null when the
 * exchange was rejected or the message recalled). Any other extra is shown as stored.
 */
export function extraAsSeenBy(
  extra: Record<string, unknown> | null,
  message: { senderId: number; receiverId: number },
  viewerId: number,
): Record<string, unknown> | null {
  if (!extra || !('revealed' in extra)) return extra;
  const { revealed, ...rest } = extra as { revealed: Record<string, ExchangedData> | null };
  const peerId = peerOf(viewerId, message.senderId, message.receiverId);
  return { ...rest, exchangedData: revealed?.[String(peerId)] ?? null };
}
