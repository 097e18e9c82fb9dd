import type { WebSocket } from 'ws';
import type { ClosableTransport } from '../transport.js';
import { closeFrame, HEARTBEAT_FRAME, messageFrame, OPEN_FRAME, parseClientPayload } from './sockjs-frames.js';

/**
 * The SockJS `websocket` transport (`/ws/{server}/{session}/websocket`): `o` on open, each
 * outgoing message as `a[...]`, `h` while idle, `c[code,reason]` before closing. Incoming
 * messages are JSON arrays (or a bare string); broken JSON ends the session.
 */
export class SockjsWebSocketTransport implements ClosableTransport {
  readonly name = 'sockjs-websocket';
  private closed = false;
  private readonly heartbeat: NodeJS.Timeout;

  constructor(
    private readonly socket: WebSocket,
    heartbeatMs: number,
    onMessage: (message: string) => void,
    onClose: () => void,
  ) {
    socket.send(OPEN_FRAME);
    this.heartbeat = setInterval(() => this.raw(HEARTBEAT_FRAME), heartbeatMs);
    this.heartbeat.unref();
    socket.on('message', (data) => {
      if (this.closed) return;
      let messages: string[];
      try {
        messages = parseClientPayload(Buffer.isBuffer(data) ? data.toString('utf8') : Buffer.concat(data as Buffer[]).toString('utf8'));
      } catch {
        this.close(3000, 'Broken framing.');
        onClose();
        return;
      }
      for (const message of messages) if (message.length > 0) onMessage(message);
    });
    // ws reports bad input (a message over maxPayload, invalid UTF-8, …) as 'error'; unheard it
    // would be an uncaught exception. ws then closes the socket itself, and 'close' follows.
    socket.on('error', () => socket.terminate());
    socket.on('close', () => {
      this.closed = true;
      clearInterval(this.heartbeat);
      onClose();
    });
  }

  send(text: string): void {
    this.raw(messageFrame([text]));
  }

  bufferedBytes(): number {
    return this.socket.bufferedAmount;
  }

  close(code: number, reason: string): void {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.heartbeat);
    this.raw(closeFrame(code === 1000 ? 3000 : code, code === 1000 ? 'Go away!' : reason), true);
    this.socket.close(1000);
    const timer = setTimeout(() => this.socket.terminate(), 3000);
    timer.unref();
    this.socket.once('close', () => clearTimeout(timer));
  }

  private raw(frame: string, evenIfClosed = false): void {
    if ((this.closed && !evenIfClosed) || this.socket.readyState !== this.socket.OPEN) return;
    this.socket.send(frame);
  }
}
