import type { Message, SyncEvent } from '@parley/protocol';
import { BoundedIdSet } from './bounded-id-set.js';
import type { TypedEmitter } from './emitter.js';
import type { MessageMeta, ParleyEvents } from './events.js';
import type { OutboxSender } from './outbox-sender.js';
import type { RealtimePush } from './realtime-connection.js';
import type { UpdateSequencer } from './update-sequencer.js';

/**
 * @internal
 * Turns live pushes (from either transport) and `/sync` events into the client's typed events. Logged changes (those with
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

  route(push: RealtimePush): void {
    switch (push.kind) {
      case 'typing':
        this.emitter.emit('typing', push.data);
        return;
      case 'presence':
        this.emitter.emit('presence', push.data);
        return;
      case 'error':
        this.sender.refuse(push.error);
        this.emitter.emit('error', push.error);
        return;
      default: {
        const event = { userSeq: push.userSeq ?? 0, type: push.kind, data: push.data } as SyncEvent;
        if (push.userSeq === null) this.applyUnlogged(event);
        else this.updates.receive(event);
        return;
      }
    }
  }

  applyLogged(event: SyncEvent, source: 'push' | 'sync', userSeq: number | null = event.userSeq): void {
    const meta = { source, userSeq };
    this.emitter.emit('update', event, meta);
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
      case 'edit':
        this.emitter.emit('edit', event.data, meta);
        return;
      case 'reaction':
        this.emitter.emit('reaction', event.data, meta);
        return;
      case 'hide':
        this.emitter.emit('hide', event.data, meta);
        return;
      case 'conversation':
        this.emitter.emit('conversation', event.data, meta);
        return;
    }
  }

  /** A push without user-seq: the echo of a repeated send (or a server that does not log it). */
  private applyUnlogged(event: SyncEvent): void {
    if (event.type !== 'message') {
      this.applyLogged(event, 'push', null);
      return;
    }
    this.emitter.emit('update', event, { source: 'push', userSeq: null });
    this.applyMessage(event.data, { source: 'echo', userSeq: null });
  }

  private applyMessage(message: Message, meta: MessageMeta): void {
    const isNew = this.seen.add(message.id);
    this.sender.acknowledge(message);
    if (isNew) this.emitter.emit('message', message, meta);
  }
}
