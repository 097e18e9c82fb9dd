/**
 * The pipe under one STOMP connection: a plain WebSocket or a SockJS session. The connection
 * writes through it and the transport feeds bytes back with `StompConnection.receive`.
 */
export interface StompTransport {
  /** For logs: `websocket`, `sockjs-websocket`, `sockjs-xhr-streaming`, … */
  readonly name: string;
  /** Sends one text message: one whole frame or a heart-beat EOL. Never throws. */
  send(text: string): void;
  /** Bytes accepted by `send` that the peer has not taken yet (backpressure gauge). */
  bufferedBytes(): number;
  /** Ends the transport after what was sent; idempotent. */
  close(code: number, reason: string): void;
}

/** WebSocket close codes the door uses (RFC 6455 §7.4, IANA registry). */
export const CLOSE_CODES = {
  normal: 1000,
  protocolError: 1002,
  policyViolation: 1008,
  serviceRestart: 1012,
  tryAgainLater: 1013,
} as const;
