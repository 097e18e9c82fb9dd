import type { RawData, WebSocket } from 'ws';
import type { ClosableTransport } from '../transport.js';

/** How long a closing socket may take to finish its close handshake before it is cut. */
const CLOSE_GRACE_MS = 3000;

/** Plain STOMP over WebSocket: one frame per text message out, any slicing in. */
export class StompWebSocketTransport implements ClosableTransport {
  readonly name = 'websocket';

  constructor(private readonly socket: WebSocket) {}

  send(text: string): void {
    if (this.socket.readyState === this.socket.OPEN) this.socket.send(text);
  }

  bufferedBytes(): number {
    return this.socket.bufferedAmount;
  }

  close(code: number, reason: string): void {
    if (this.socket.readyState === this.socket.CLOSED) return;
    this.socket.close(code, Buffer.from(reason).subarray(0, 120).toString());
    const timer = setTimeout(() => this.socket.terminate(), CLOSE_GRACE_MS);
    timer.unref();
    this.socket.once('close', () => clearTimeout(timer));
  }
}

/** A received message as bytes (text or binary, possibly fragmented by `ws`). */
export function rawDataBytes(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}
