/**
 * Timers and limits of the SignalR door. Production defaults follow ASP.NET Core SignalR; the
 * send buffer comes from the configuration (PARLEY_SIGNALR_SEND_BUFFER_BYTES); tests shorten the
 * timers through `AppOverrides.doorOptions.signalr`.
 */
export interface SignalROptions {
  /** Send a Ping after this long without sending anything (WebSockets, SSE). */
  keepAliveIntervalMs: number;
  /** Drop a client that has pinged once and then sent nothing for this long. */
  clientTimeoutMs: number;
  /** A transport that sends no handshake within this long gets "Handshake was canceled." */
  handshakeTimeoutMs: number;
  /** A connection token not used by a transport request within this long is refused (404). */
  unusedTokenTtlMs: number;
  /** A pending long poll answers 200 with an empty body after this long. */
  longPollTimeoutMs: number;
  /** A long-polling connection with no poll for this long is disposed. */
  longPollIdleMs: number;
  /** A stateful WebSocket connection waits this long for its client to resume after a drop. */
  statefulReconnectWindowMs: number;
  /** How often Acks are sent to a stateful client whose messages were received. */
  ackIntervalMs: number;
  /** Largest incoming hub message (one record) in bytes; larger ends the connection with a Close error. */
  maxMessageBytes: number;
  /** Bytes queued towards a client (transport buffer or unacked stateful buffer) before it is closed (backpressure). */
  maxBufferedBytes: number;
  /**
   * Largest transport message: one WebSocket message or one POST body (SSE, long polling). It may
   * hold several records (clients batch queued calls), each still within `maxMessageBytes`.
   */
  maxTransportMessageBytes: number;
  /** Hub calls queued on one connection (they run one at a time); more ends the connection. */
  maxPendingInvocations: number;
}

export const DEFAULT_SIGNALR_OPTIONS: Readonly<SignalROptions> = Object.freeze({
  keepAliveIntervalMs: 15_000,
  clientTimeoutMs: 30_000,
  handshakeTimeoutMs: 15_000,
  unusedTokenTtlMs: 15_000,
  longPollTimeoutMs: 90_000,
  longPollIdleMs: 15_000,
  statefulReconnectWindowMs: 15_000,
  ackIntervalMs: 1_000,
  maxMessageBytes: 32 * 1024,
  maxBufferedBytes: 1024 * 1024,
  maxTransportMessageBytes: 1024 * 1024,
  maxPendingInvocations: 256,
});

/** Defaults overridden by the positive numbers in `partial`; anything else is ignored. */
export function resolveSignalROptions(partial: unknown): Readonly<SignalROptions> {
  const options: SignalROptions = { ...DEFAULT_SIGNALR_OPTIONS };
  if (partial && typeof partial === 'object') {
    for (const key of Object.keys(options) as (keyof SignalROptions)[]) {
      const value = (partial as Record<string, unknown>)[key];
      if (typeof value === 'number' && Number.isFinite(value) && value > 0) options[key] = value;
    }
  }
  return Object.freeze(options);
}
