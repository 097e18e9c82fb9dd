import type { ErrorCode } from '@parley/protocol';
import type { Transport } from '../transport.js';

/** The three SignalR transports by their negotiate names. */
export type TransportName = 'WebSockets' | 'ServerSentEvents' | 'LongPolling';

/**
 * The pipe under one hub connection. Outgoing data is always whole records (each ending in RS);
 * incoming text goes to the connection, which splits it. `bufferedBytes` counts the socket buffer,
 * or what is queued for the next poll.
 */
export interface HubTransport extends Transport {
  readonly name: TransportName;
  /** True for long polling: the poll itself keeps the link alive, so no pings and no client timeout. */
  readonly inherentKeepAlive: boolean;
  /** Ends the transport after what was already sent has gone out. */
  end(): void;
  /** Drops the transport at once, like a network failure (the client sees no Close message). */
  abort(): void;
}

/** What a transport reports to its connection. */
export interface TransportEvents {
  onData(text: string): void;
  /** The WebSocket refused a frame the client sent (too large, not UTF-8). */
  onRefused?(code: ErrorCode, message: string): void;
  /** The transport is gone. `graceful`: the client ended it on purpose (WebSocket close 1000/1001, DELETE). */
  onGone(graceful: boolean): void;
}
