import type { TypedEmitter } from './emitter.js';
import { ParleyError } from './errors.js';
import type { ParleyEvents } from './events.js';
import type { OutboxSender } from './outbox-sender.js';
import type { ConnectionState, RealtimeConnection } from './realtime-connection.js';
import type { TypingThrottle } from './typing-throttle.js';
import type { UpdateSequencer } from './update-sequencer.js';

/** @internal The client options the lifecycle reads, on every use. */
export interface ConnectionLifecycleOptions {
  watchNetwork?: boolean;
}

/**
 * @internal
 * The client's side of the realtime session's life: reports its states, and after every connect
 * holds the outbox back until the `/sync` that follows is done, because that sync may already
 * acknowledge items whose SEND went unanswered. `start` resolves at the first such point.
 */
export class ConnectionLifecycle {
  private stateValue: ConnectionState = 'idle';
  private caughtUp = false;
  private refusal: ParleyError | null = null;
  private removeNetworkWatch: (() => void) | null = null;

  constructor(
    private readonly connection: RealtimeConnection,
    private readonly emitter: TypedEmitter<ParleyEvents>,
    private readonly updates: UpdateSequencer,
    private readonly sender: OutboxSender,
    private readonly typingThrottle: TypingThrottle,
    private readonly reportError: (error: unknown) => void,
    private readonly options: ConnectionLifecycleOptions,
  ) {}

  get state(): ConnectionState {
    return this.stateValue;
  }

  /** Why the server ended the session for good (USER_BANNED), or null. Cleared by the next `start`. */
  get closedReason(): ParleyError | null {
    return this.refusal;
  }

  /** Connected, and the sync after connecting is done. */
  get ready(): boolean {
    return this.stateValue === 'connected' && this.caughtUp;
  }

  /** Starts connecting; resolves at the first connect (after its sync), rejects if stopped first. */
  start(): Promise<void> {
    const connected = new Promise<void>((resolve, reject) => {
      const offSynced = this.emitter.on('synced', () => {
        if (!this.caughtUp) return;
        cleanup();
        resolve();
      });
      const offState = this.emitter.on('state', (state) => {
        if (state !== 'closed') return;
        cleanup();
        reject(this.refusal ?? new ParleyError('CLOSED', 'disconnected before connecting'));
      });
      const cleanup = () => {
        offSynced();
        offState();
      };
    });
    this.watchNetwork();
    this.connection.start();
    return connected;
  }

  /** Forgets a refusal before the app tries again (`connect()`). */
  clearRefusal(): void {
    this.refusal = null;
  }

  /**
   * The server refused this user for good (USER_BANNED) on the socket or over REST: stop
   * reconnecting, keep the outbox for a later `connect()`, and tell the app once.
   */
  refuse(error: ParleyError): void {
    if (this.refusal) return;
    this.refusal = error;
    this.emitter.emit('banned', error);
    this.emitter.emit('error', error);
    void this.stop().catch(this.reportError);
  }

  async stop(): Promise<void> {
    this.removeNetworkWatch?.();
    this.removeNetworkWatch = null;
    this.updates.dispose();
    await this.connection.stop();
    this.sender.clearTimers();
  }

  onState(state: ConnectionState): void {
    const previous = this.stateValue;
    this.stateValue = state;
    this.emitter.emit('state', state, previous);
  }

  async afterConnect(): Promise<void> {
    this.caughtUp = false;
    this.typingThrottle.reset();
    try {
      await this.updates.sync();
    } catch (error) {
      this.reportError(error);
    }
    if (this.stateValue !== 'connected') return;
    this.caughtUp = true;
    this.emitter.emit('synced', { userSeq: this.updates.userSeq ?? 0, applied: 0 });
    this.sender.flush();
  }

  afterDisconnect(): void {
    this.caughtUp = false;
    this.sender.connectionLost();
  }

  private watchNetwork(): void {
    const target = globalThis as { addEventListener?: (type: string, cb: () => void) => void; removeEventListener?: (type: string, cb: () => void) => void; window?: unknown };
    if (this.removeNetworkWatch || this.options.watchNetwork === false || !target.window || !target.addEventListener) return;
    const online = () => this.connection.reconnectNow();
    target.addEventListener('online', online);
    this.removeNetworkWatch = () => target.removeEventListener?.('online', online);
  }
}
