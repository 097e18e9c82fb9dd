import type { ExchangeAnswer, Message, PresenceChange, ReadReceipt, RecallNotice, TypingNotice } from '@parley/protocol';
import { ParleyError } from './errors.js';
import type { RealtimePush } from './realtime-connection.js';

/** The user queues of the STOMP door and what each carries (docs/sdk.md lists them). */
const QUEUES = {
  '/user/queue/messages': 'message',
  '/user/queue/read': 'read',
  '/user/queue/typing': 'typing',
  '/user/queue/presence': 'presence',
  '/user/queue/recalls': 'recall',
  '/user/queue/exchange': 'exchange',
  '/user/queue/errors': 'error',
} as const;

/** @internal The user queues to subscribe after every CONNECTED. */
export const STOMP_PUSH_QUEUES: readonly string[] = Object.keys(QUEUES);

/**
 * @internal
 * One STOMP MESSAGE frame as a canonical push: the queue names its kind, the `user-seq` header
 * its place in my update log. Null for a queue this client does not know.
 */
export function decodeStompPush(destination: string, text: string, headers: Record<string, string>): RealtimePush | null {
  const kind = QUEUES[destination as keyof typeof QUEUES] as (typeof QUEUES)[keyof typeof QUEUES] | undefined;
  if (kind === undefined) return null;
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return { kind: 'error', error: new ParleyError('INTERNAL', `unparsable push on ${destination}`) };
  }
  const header = headers['user-seq'];
  const userSeq = header !== undefined && /^\d+$/.test(header) ? Number(header) : null;
  switch (kind) {
    case 'message':
      return { kind, data: body as Message, userSeq };
    case 'read':
      return { kind, data: body as ReadReceipt, userSeq };
    case 'recall':
      return { kind, data: body as RecallNotice, userSeq };
    case 'exchange':
      return { kind, data: body as ExchangeAnswer, userSeq };
    case 'typing':
      return { kind, data: body as TypingNotice };
    case 'presence':
      return { kind, data: body as PresenceChange };
    case 'error':
      return { kind, error: ParleyError.fromBody(body) };
  }
}
