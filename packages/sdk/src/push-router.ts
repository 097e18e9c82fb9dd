import type { Message, SyncEvent } from '@parley/protocol';
import { BoundedIdSet } from './bounded-id-set.js';
import type { TypedEmitter } from './emitter.js';
import { ParleyError } from './errors.js';
import type { MessageMeta, ParleyEvents } from './events.js';
import type { OutboxSender } from './outbox-sender.js';
import type { UpdateSequencer } from './update-sequencer.js';

const DESTINATIONS = {
  '/user/queue/messages': 'message',
  '/user/queue/read': 'read',
  '/user/queue/typing': 'typing',
  '/user/queue/presence': 'presence',
  '/user/queue/recalls': 'recall',
  '/user/queue/exchange': 'exchange',
  '/user/queue/errors': 'error',
} as const;
type PushKind = (typeof DESTINATIONS)[keyof typeof DESTINATIONS];

/** @internal The user queues to subscribe after every CONNECTED. */
export const PUSH_DESTINATIONS: readonly string[] = Object.keys(DESTINATIONS);

/**
 * @internal
 * Turns STOMP frames and `/sync` events into the client's typed events. Logged changes (those with
 * a user-seq) go through the UpdateSequencer so that they reach the app in order and without gaps;
 * messages are emitted once per id, and settle my outbox items on the way.
 */
export class PushRouter {
  private readonly seen = new BoundedIdSet();

  constructor(
    private readonly emitter: TypedEmitter<ParleyEvents>,
    private readonly updates: UpdateSequencer,
    private readonly sender: OutboxSender,
  ) {}

  route(destination: string, text: string, headers: Record<string, string>): void {
    const kind: PushKind | undefined = DESTINATIONS[destination as keyof typeof DESTINATIONS];
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      this.emitter.emit('error', new ParleyError('INTERNAL', `unparsable push on ${destination}`));
      return;
    }
    const userSeqHeader = headers['user-seq'];
    const userSeq = userSeqHeader !== undefined && /^\d+$/.test(userSeqHeader) ? Number(userSeqHeader) : null;
    switch (kind) {
      case 'typing':
        this.emitter.emit('typing', body as ParleyEvents['typing'][0]);
        return;
      case 'presence':
        this.emitter.emit('presence', body as ParleyEvents['presence'][0]);
        return;
      case 'error': {
        const error = ParleyError.fromBody(body);
        this.sender.refuse(error);
        this.emitter.emit('error', error);
        return;
      }
      case 'message':
      case 'read':
      case 'recall':
      case 'exchange': {
        const event = { userSeq: userSeq ?? 0, type: kind, data: body } as SyncEvent;
        if (userSeq === null) this.applyUnlogged(event);
        else this.updates.receive(event);
        return;
      }
      case undefined:
        return;
    }
  }

  applyLogged(event: SyncEvent, source: 'push' | 'sync', userSeq: number | null = event.userSeq): void {
    const meta = { source, userSeq };
    switch (event.type) {
      case 'message':
        this.applyMessage(event.data, meta);
        return;
      case 'read':
        this.emitter.emit('read', event.data, meta);
        return;
      case 'recall':
        this.emitter.emit('recall', event.data, meta);
        return;
      case 'exchange':
        this.emitter.emit('exchange', event.data, meta);
        return;
    }
  }

  /** A push without user-seq: the echo of a repeated send (or a server that does not log it). */
  private applyUnlogged(event: SyncEvent): void {
    if (event.type === 'message') this.applyMessage(event.data, { source: 'echo', userSeq: null });
    else this.applyLogged(event, 'push', null);
  }

  private applyMessage(message: Message, meta: MessageMeta): void {
    const isNew = this.seen.add(message.id);
    this.sender.acknowledge(message);
    if (isNew) this.emitter.emit('message', message, meta);
  }
}
