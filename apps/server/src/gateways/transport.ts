/**
 * The text pipe under one realtime connection, whatever the door: a plain WebSocket, a SockJS
 * session, Server-Sent Events or long polling. The connection writes through it; the transport
 * hands what it receives to the connection. Implementations never throw.
 */
export interface Transport {
  /** For logs and metrics: `websocket`, `sockjs-xhr-streaming`, …, `WebSockets`, `ServerSentEvents`, `LongPolling`. */
  readonly name: string;
  /** Sends whole units of the door's protocol: one STOMP frame or heart-beat, or whole hub records. */
  send(text: string): void;
  /** Bytes accepted by `send` that the peer has not taken yet (the backpressure gauge). */
  bufferedBytes(): number;
}

/** A transport that ends with a WebSocket close code and reason (STOMP over WebSocket or SockJS). */
export interface ClosableTransport extends Transport {
  /** Ends the transport after what was sent; idempotent. */
  close(code: number, reason: string): void;
}

/** WebSocket close codes the doors use (RFC 6455 §7.4, IANA registry). */
export const CLOSE_CODES = {
  normal: 1000,
  protocolError: 1002,
  policyViolation: 1008,
  serviceRestart: 1012,
  tryAgainLater: 1013,
} as const;
