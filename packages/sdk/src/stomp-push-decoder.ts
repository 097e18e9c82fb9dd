import {
  isSyncEventType,
  STOMP_ERRORS_QUEUE,
  STOMP_PUSH_QUEUES,
  type PresenceChange,
  type PushKind,
  type TypingNotice,
} from '@parley/protocol';
import { ParleyError } from './errors.js';
import type { LoggedPush, RealtimePush } from './realtime-connection.js';

type QueueKind = PushKind | 'error';

/** Each user queue of the STOMP door by name, with what it carries. */
const KIND_BY_QUEUE = new Map<string, QueueKind>([
  ...(Object.entries(STOMP_PUSH_QUEUES) as Array<[PushKind, string]>).map(([kind, queue]) => [queue, kind] as const),
  [STOMP_ERRORS_QUEUE, 'error'],
]);

/** @internal The user queues to subscribe after every CONNECTED. */
export const STOMP_SUBSCRIBED_QUEUES: readonly string[] = [...KIND_BY_QUEUE.keys()];

/**
 * @internal
 * One STOMP MESSAGE frame as a canonical push: the queue names its kind, the `user-seq` header
 * its place in my update log. STOMP bodies are already the canonical shapes, so every logged kind
 * (whatever `/sync` replays) passes as it is. Null for a queue this client does not know.
 */
export function decodeStompPush(destination: string, text: string, headers: Record<string, string>): RealtimePush | null {
  const kind = KIND_BY_QUEUE.get(destination);
  if (kind === undefined) return null;
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return { kind: 'error', error: new ParleyError('INTERNAL', `unparsable push on ${destination}`) };
  }
  const header = headers['user-seq'];
  const userSeq = header !== undefined && /^\d+$/.test(header) ? Number(header) : null;
  if (kind === 'error') return { kind, error: ParleyError.fromBody(body) };
  if (kind === 'typing') return { kind, data: body as TypingNotice };
  if (kind === 'presence') return { kind, data: body as PresenceChange };
  if (isSyncEventType(kind)) return { kind, data: body, userSeq } as LoggedPush;
  return null;
}
