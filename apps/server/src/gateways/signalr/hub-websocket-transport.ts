import type { ErrorCode } from '@parley/protocol';
import type { EventEmitter } from 'node:events';
import type { WebSocket } from 'ws';
import type { HubTransport, TransportEvents } from './hub-transport.js';

/** Text WebSocket messages both ways; incoming messages may hold several records or part of one. */
export class HubWebSocketTransport implements HubTransport {
  readonly name = 'WebSockets';
  readonly inherentKeepAlive = false;

  constructor(
    private readonly socket: WebSocket,
    events: TransportEvents,
  ) {
    socket.on('message', (data) => {
      const bytes = Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data);
      events.onData(bytes.toString('utf8'));
    });
    // A close frame without a status (1005) is what browsers and @microsoft/signalr's stop() send:
    // the client ended on purpose. Only a drop without a close frame (1006) may be resumed.
    socket.on('close', (code) => events.onGone(code === 1000 || code === 1001 || code === 1005));
    // After refusing a frame, ws has already queued its close frame behind the hub's Close record:
    // give both a moment to reach the client, then cut off a peer that never answers the close.
    socket.on('error', () => {
      if (socket.readyState === socket.CLOSING) setTimeout(() => socket.terminate(), 1000).unref();
      else socket.terminate();
    });
    // ws answers a frame it refuses (over maxPayload, invalid UTF-8, a bad opcode) by closing with a
    // bare status such as 1009, which a SignalR client takes for a network drop and reconnects
    // from, to be refused again. Its frame reader reports the error just before that close, so the
    // hub still gets to send its Close record with the error, which ends the client for good.
    const reader = (socket as unknown as { _receiver?: EventEmitter })._receiver;
    reader?.prependListener('error', (error: Error & { code?: string }) => {
      const refusal = refusalOf(error);
      events.onRefused?.(refusal.code, refusal.message);
    });
  }

  send(data: string): void {
    if (this.socket.readyState === this.socket.OPEN) this.socket.send(data);
  }

  bufferedBytes(): number {
    return this.socket.bufferedAmount;
  }

  end(): void {
    this.socket.close(1000);
    // A client that never answers the close handshake is cut off.
    setTimeout(() => this.socket.terminate(), 5000).unref();
  }

  abort(): void {
    this.socket.terminate();
  }
}

function refusalOf(error: Error & { code?: string }): { code: ErrorCode; message: string } {
  if (error.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH') return { code: 'PAYLOAD_TOO_LARGE', message: 'a WebSocket message is larger than this server accepts' };
  return { code: 'VALIDATION_FAILED', message: error.message };
}
