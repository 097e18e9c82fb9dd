import type { PresenceChange, PushBodies, SyncEventType, TypingNotice } from '@parley/protocol';
import type { ParleyError } from './errors.js';
import type { OutboxBody } from './outbox-item.js';

/**
 * `idle` before `connect()`; `connecting` during the first attempt; `connected` once the session
 * is established (STOMP CONNECTED, or the SignalR handshake answered); `reconnecting` while
 * waiting for or making a later attempt; `closed` after `disconnect()`.
 */
export type ConnectionState = 'idle' | 'connecting' | 'connected' | 'reconnecting' | 'closed';

/**
 * @internal
 * What a live connection delivers, already in the canonical shapes whatever the wire spoke.
 * `userSeq` is the change's number in my update log, null when it came without one (the echo of
 * a repeated send). `error` is a refusal pushed by the server; when it names a `clientMsgId` it
 * answers that outbox item's send.
 */
export type RealtimePush =
  | LoggedPush
  | { kind: 'typing'; data: TypingNotice }
  | { kind: 'presence'; data: PresenceChange }
  | { kind: 'error'; error: ParleyError };

/** @internal A push of a change kept in my update log (every kind `/sync` replays), with its number there. */
export type LoggedPush = { [K in SyncEventType]: { kind: K; data: PushBodies[K]; userSeq: number | null } }[SyncEventType];

/** @internal What the client hears from a connection. */
export interface RealtimeHooks {
  onState(state: ConnectionState): void;
  onConnected(): void;
  onDisconnected(): void;
  onPush(push: RealtimePush): void;
  onError(error: ParleyError): void;
  /**
   * The server refused this user for good (USER_BANNED: a refused connect, or a live session it
   * ended). The connection does not reconnect on its own after this; the client stops it.
   */
  onRefused(error: ParleyError): void;
}

/**
 * @internal
 * One logical realtime session over successive sockets, whatever protocol it speaks. It owns
 * reconnect timing and keep-alive; the client above it owns the outbox, dedup and `/sync`.
 */
export interface RealtimeConnection {
  readonly current: ConnectionState;
  /** The largest send this transport's server accepts in one frame or record, in bytes. */
  readonly maxSendBytes: number;
  /** How many bytes `sendMessage(body)` puts on the wire; a larger one would end the connection on every attempt. */
  sendBytes(body: OutboxBody): number;
  /** Starts connecting (and keeps reconnecting until `stop`). */
  start(): void;
  /** Disconnects for good. */
  stop(): Promise<void>;
  /** Skips the remaining backoff delay and tries now (e.g. when the browser reports `online`). */
  reconnectNow(): void;
  /** Closes the socket as a network failure would; reconnects as usual. */
  drop(): void;
  /** Writes one outbox item; false when not connected. The answer arrives as a push. */
  sendMessage(body: OutboxBody): boolean;
  /** Tells the peer I am (not) typing; false when not connected. */
  typing(receiverId: number, typing: boolean): boolean;
}
