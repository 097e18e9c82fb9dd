import type { DeliveryEvent, PushRecipient } from '../domain/delivery-event.js';

/** `banned`: the user was banned; the client must not reconnect. */
export type SessionCloseReason = 'shutdown' | 'backpressure' | 'replaced' | 'banned';

/**
 * One live client connection, implemented by each door (STOMP, SignalR). Services push domain
 * events through it and never see a frame.
 */
export interface ClientSession {
  /** Unique across nodes. */
  readonly id: string;
  readonly userId: number;
  readonly door: 'stomp' | 'signalr';
  /** The transport it runs over now (`websocket`, `sockjs-xhr-streaming`, `WebSockets`, …); null while a SignalR connection waits for its next one. For metrics. */
  readonly transportName: string | null;
  /**
   * Sends one event to this connection, formatted for its door. Must not throw and must not
   * wait: a connection that cannot keep up closes itself (backpressure) and its client resyncs.
   */
  push(event: DeliveryEvent, recipient: PushRecipient): void;
  /** Ends the connection, telling the client to reconnect (shutdown, backpressure) or, when banned, not to. */
  close(reason: SessionCloseReason): void;
}
