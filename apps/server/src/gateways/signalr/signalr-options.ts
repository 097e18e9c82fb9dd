/**
 * Timers and limits of the SignalR door. Production defaults follow ASP.NET Core SignalR
 * (protocols §3); tests shorten the timers through `AppOverrides.doorOptions.signalr`.
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
  /** Largest POST body (one or more records) accepted on SSE and long-polling connections. */
  maxPostBytes: number;
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
  maxPostBytes: 1024 * 1024,
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
