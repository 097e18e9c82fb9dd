import type { ServerResponse } from 'node:http';
import type { HubTransport, TransportEvents } from './hub-transport.js';

export interface LongPollingTimers {
  /** A pending poll answers 200 empty after this long. */
  pollTimeoutMs: number;
  /** The connection is gone after this long without a poll. */
  idleMs: number;
}

/**
 * Long polling: each GET takes everything queued, or waits for data up to the
 * poll timeout and then answers 200 empty. A second GET while one waits gets 409. After the
 * transport ended, queued data is still handed out once and every later poll gets 204.
 */
export class LongPollingTransport implements HubTransport {
  readonly name = 'LongPolling';
  readonly inherentKeepAlive = true;
  private queue: string[] = [];
  private queuedBytes = 0;
  private waiting: { response: ServerResponse; timer: NodeJS.Timeout } | null = null;
  private idleTimer: NodeJS.Timeout | null = null;
  private ended = false;

  constructor(
    private readonly events: TransportEvents,
    private readonly timers: LongPollingTimers,
  ) {
    this.startIdle();
  }

  /** Handles one GET. The first poll of a connection is answered at once by the caller. */
  poll(response: ServerResponse): void {
    if (this.waiting) {
      this.reply(response, 409, 'A poll is already pending for this connection.');
      return;
    }
    this.stopIdle();
    if (this.queue.length > 0) {
      this.flushTo(response);
      return;
    }
    if (this.ended) {
      this.reply(response, 204, '');
      return;
    }
    const timer = setTimeout(() => this.finishWaiting(200, ''), this.timers.pollTimeoutMs);
    timer.unref();
    this.waiting = { response, timer };
    response.on('close', () => {
      if (this.waiting?.response === response) {
        clearTimeout(this.waiting.timer);
        this.waiting = null;
        if (!this.ended) this.startIdle();
      }
    });
  }

  send(data: string): void {
    if (this.ended) return;
    this.queue.push(data);
    this.queuedBytes += data.length;
    if (this.waiting) {
      const { response, timer } = this.waiting;
      clearTimeout(timer);
      this.waiting = null;
      this.flushTo(response);
    }
  }

  bufferedBytes(): number {
    return this.queuedBytes;
  }

  end(): void {
    if (this.ended) return;
    this.ended = true;
    this.stopIdle();
    if (this.waiting && this.queue.length === 0) this.finishWaiting(204, '');
  }

  abort(): void {
    this.queue = [];
    this.queuedBytes = 0;
    this.end();
  }

  private flushTo(response: ServerResponse): void {
    // The client may have dropped this poll before its 'close' event ran: keep the data for the
    // next poll rather than writing it into a dead response.
    if (!writable(response)) {
      if (!this.ended) this.startIdle();
      return;
    }
    const body = this.queue.join('');
    this.queue = [];
    this.queuedBytes = 0;
    this.reply(response, 200, body);
    if (!this.ended) this.startIdle();
  }

  private finishWaiting(status: number, body: string): void {
    if (!this.waiting) return;
    const { response, timer } = this.waiting;
    clearTimeout(timer);
    this.waiting = null;
    this.reply(response, status, body);
    if (!this.ended) this.startIdle();
  }

  private reply(response: ServerResponse, status: number, body: string): void {
    if (!writable(response)) return;
    response.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-cache' });
    response.end(status === 204 ? undefined : body);
  }

  private startIdle(): void {
    this.stopIdle();
    this.idleTimer = setTimeout(() => {
      this.idleTimer = null;
      if (this.waiting || this.ended) return;
      this.ended = true;
      this.events.onGone(false);
    }, this.timers.idleMs);
    this.idleTimer.unref();
  }

  private stopIdle(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = null;
  }
}

function writable(response: ServerResponse): boolean {
  return !response.writableEnded && !response.destroyed && response.socket?.destroyed !== true;
}
