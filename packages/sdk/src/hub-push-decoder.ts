import { fromHubMessage, HUB_PUSH_EVENTS, isSyncEventType, type PushKind, type WireHubMessage } from '@parley/protocol';
import type { LoggedPush, RealtimePush } from './realtime-connection.js';

type Fields = Record<string, unknown>;

/** Hub event names as SignalR matches them (in any case), with the push kind each is. */
const KIND_BY_EVENT = new Map<string, PushKind>(
  (Object.entries(HUB_PUSH_EVENTS) as Array<[PushKind, readonly string[]]>).flatMap(([kind, events]) => events.map((event) => [event.toLowerCase(), kind] as const)),
);
const MESSAGE_SENT = HUB_PUSH_EVENTS.message[1].toLowerCase();
const USER_ONLINE = HUB_PUSH_EVENTS.presence[0].toLowerCase();

/** Logged kinds whose hub argument is a whole hub message (integer type, `extraData` string, `createTime`). */
const HUB_MESSAGE_KINDS: ReadonlySet<PushKind> = new Set<PushKind>(['message', 'edit']);

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
  if (kind === undefined || event === MESSAGE_SENT) return null;
  if (kind === 'typing') return { kind, data: { conversationId: Number(fields.sessionId), userId: Number(fields.userId), typing: fields.isTyping === true } };
  if (kind === 'presence') {
    const online = event === USER_ONLINE;
    return { kind, data: { userId: Number(fields.userId), online, lastSeenAt: !online && typeof fields.lastSeenAt === 'string' ? fields.lastSeenAt : null } };
  }
  if (!isSyncEventType(kind)) return null;
  const data = HUB_MESSAGE_KINDS.has(kind) ? fromHubMessage(fields as unknown as WireHubMessage) : canonicalBody(fields);
  return { kind, data, userSeq: userSeqOf(fields) } as LoggedPush;
}

/**
 * The hub's body of a change as the canonical one: the hub says `sessionId` where the canonical
 * shapes say `conversationId`, and adds the recipient's `userSeq`; every other field is the same.
 */
function canonicalBody(fields: Fields): Fields {
  const { userSeq: _userSeq, ...rest } = hubResultFields(fields);
  return rest;
}

/**
 * @internal
 * A hub method's result (or event argument) in canonical names: `sessionId` becomes
 * `conversationId`; `userSeq`, when present, stays.
 */
export function hubResultFields(fields: Fields): Fields {
  const { sessionId, ...rest } = fields;
  return sessionId === undefined || 'conversationId' in rest ? rest : { conversationId: Number(sessionId), ...rest };
}

/** @internal A hub method's result in canonical names (see `hubResultFields`), typed as the command's result. */
export function hubResult<T>(value: unknown): T {
  return hubResultFields(value && typeof value === 'object' ? (value as Fields) : {}) as T;
}
