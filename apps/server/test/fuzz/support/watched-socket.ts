import WebSocket from 'ws';

/**
 * A raw `ws` client for fuzzing: keeps what arrived, parsed by the caller's `parse`, and the close
 * code, and lets the fuzzer wait for a condition that is re-checked on every event (no polling,
 * so thousands of short connections stay fast).
 */
export class WatchedSocket<T> implements AsyncDisposable {
  readonly items: T[] = [];
  closeCode: number | null = null;
  private readonly waiters = new Set<() => void>();

  private constructor(
    readonly socket: WebSocket,
    parse: (data: Buffer, items: T[]) => void,
  ) {
    socket.on('message', (data: Buffer) => {
      parse(data, this.items);
      this.wake();
    });
    socket.on('close', (code) => {
      this.closeCode = code;
      this.wake();
    });
    // A reset by the server shows as 'close' too; the error itself says nothing more.
    socket.on('error', () => {});
  }

  static open<T>(url: string, parse: (data: Buffer, items: T[]) => void, protocols?: string[]): Promise<WatchedSocket<T>> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(url, protocols, { perMessageDeflate: false });
      socket.once('open', () => resolve(new WatchedSocket(socket, parse)));
      socket.once('error', reject);
      socket.once('unexpected-response', (_request, response) => reject(new Error(`HTTP ${response.statusCode} on ${url}`)));
    });
  }

  get isOpen(): boolean {
    return this.socket.readyState === WebSocket.OPEN;
  }

  send(data: string | Buffer, binary = typeof data !== 'string'): void {
    if (this.isOpen) this.socket.send(data, { binary });
  }

  /** True once `condition` holds (checked now and after every message or close), false after `timeoutMs`. */
  until(condition: () => boolean, timeoutMs: number): Promise<boolean> {
    if (condition()) return Promise.resolve(true);
    return new Promise((resolve) => {
      const check = () => {
        if (!condition()) return;
        clearTimeout(timer);
        this.waiters.delete(check);
        resolve(true);
      };
      const timer = setTimeout(() => {
        this.waiters.delete(check);
        resolve(false);
      }, timeoutMs);
      this.waiters.add(check);
    });
  }

  private wake(): void {
    for (const waiter of [...this.waiters]) waiter();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    if (this.socket.readyState !== WebSocket.CLOSED) this.socket.terminate();
  }
}
