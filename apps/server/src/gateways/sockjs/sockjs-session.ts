import type { ClosableTransport } from '../transport.js';
import { closeFrame, HEARTBEAT_FRAME, messageFrame, OPEN_FRAME } from './sockjs-frames.js';
import type { HttpReceiver } from './http-receiver.js';

/** Timings of SockJS HTTP sessions. */
export interface SockjsSessionTimings {
  heartbeatMs: number;
  disconnectMs: number;
}

/**
 * A SockJS session carried by HTTP requests (xhr-streaming, xhr-polling, eventsource): frames
 * queue while no request is receiving; one receiver at a time; the session closes after
 * `disconnectMs` without a receiver and then keeps answering with its close frame.
 */
export class SockjsSession implements ClosableTransport {
  readonly name: string;
  private receiver: HttpReceiver | null = null;
  private outbox: string[] = [];
  private outboxBytes = 0;
  private opened = false;
  private closing: string | null = null;
  private closed = false;
  private disconnectTimer: NodeJS.Timeout | null = null;
  private readonly heartbeatTimer: NodeJS.Timeout;
  private readonly messageListeners: ((message: string) => void)[] = [];
  private readonly closeListeners: (() => void)[] = [];

  constructor(
    readonly id: string,
    transportName: string,
    private readonly timings: SockjsSessionTimings,
    /** Called when the session is forgotten, so its owner drops it. */
    private readonly forget: () => void,
  ) {
    this.name = `sockjs-${transportName}`;
    this.heartbeatTimer = setInterval(() => {
      if (this.receiver?.isOpen) this.receiver.send([HEARTBEAT_FRAME]);
    }, timings.heartbeatMs);
    this.heartbeatTimer.unref();
    this.armDisconnect();
  }

  onMessage(listener: (message: string) => void): void {
    this.messageListeners.push(listener);
  }

  /** Runs once when the session ends (closed by either side or expired). */
  onClose(listener: () => void): void {
    this.closeListeners.push(listener);
  }

  /** Messages that arrived through xhr_send. */
  deliver(messages: readonly string[]): void {
    if (this.closed || this.closing) return;
    for (const message of messages) if (message.length > 0) for (const l of this.messageListeners) l(message);
  }

  /** A new receiving request. A second concurrent receiver is refused with `c[2010,…]`. */
  attach(receiver: HttpReceiver): void {
    if (this.receiver?.isOpen) {
      receiver.send([closeFrame(2010, 'Another connection still open')]);
      receiver.end();
      return;
    }
    this.clearDisconnect();
    this.receiver = receiver;
    if (!this.opened) {
      this.opened = true;
      if (!receiver.send([OPEN_FRAME])) return;
    }
    this.flush();
  }

  /** The receiving request ended (limit reached, poll answered, client went away). */
  detach(receiver: HttpReceiver): void {
    if (this.receiver !== receiver) return;
    this.receiver = null;
    this.armDisconnect();
  }

  send(text: string): void {
    if (this.closing) return;
    this.outbox.push(text);
    this.outboxBytes += text.length;
    this.flush();
  }

  bufferedBytes(): number {
    return this.outboxBytes + (this.receiver?.bufferedBytes() ?? 0);
  }

  close(code: number, reason: string): void {
    if (this.closing) return;
    this.closing = closeFrame(code === 1000 ? 3000 : code, code === 1000 ? 'Go away!' : reason);
    this.flush();
    if (!this.receiver) this.armDisconnect();
    this.ended();
  }

  get isClosed(): boolean {
    return this.closed;
  }

  private flush(): void {
    const receiver = this.receiver;
    if (!receiver?.isOpen || !this.opened) return;
    const frames: string[] = [];
    if (this.outbox.length > 0) frames.push(messageFrame(this.outbox));
    if (this.closing) frames.push(this.closing);
    if (frames.length === 0) return;
    this.outbox = [];
    this.outboxBytes = 0;
    receiver.send(frames);
    if (this.closing) receiver.end();
  }

  private armDisconnect(): void {
    this.clearDisconnect();
    this.disconnectTimer = setTimeout(() => {
      if (!this.closing) this.close(1000, 'expired');
      this.expired();
    }, this.timings.disconnectMs);
    this.disconnectTimer.unref();
  }

  private clearDisconnect(): void {
    if (this.disconnectTimer) clearTimeout(this.disconnectTimer);
    this.disconnectTimer = null;
  }

  /** The session stopped carrying data; listeners learn it once. */
  private ended(): void {
    clearInterval(this.heartbeatTimer);
    for (const listener of this.closeListeners.splice(0)) listener();
  }

  /** After expiry the session is forgotten: its id answers 404 from then on. */
  private expired(): void {
    this.closed = true;
    this.clearDisconnect();
    this.ended();
    this.outbox = [];
    this.forget();
  }
}
