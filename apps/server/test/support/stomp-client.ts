import { Client, type IFrame, type IMessage, type StompHeaders } from '@stomp/stompjs';
import SockJS from 'sockjs-client';
import WebSocket from 'ws';
import { eventually } from './test-app.js';

export type SockjsTransportName = 'websocket' | 'xhr-streaming' | 'xhr-polling' | 'eventsource';

/** How a test client reaches the door: plain WebSocket on a path, or SockJS forced to one transport. */
export type StompRoute = { kind: 'ws'; path: '/ws' | '/ws/websocket' } | { kind: 'sockjs'; transport: SockjsTransportName };

export const ROUTES: Record<string, StompRoute> = {
  'ws /ws': { kind: 'ws', path: '/ws' },
  'ws /ws/websocket': { kind: 'ws', path: '/ws/websocket' },
  'sockjs websocket': { kind: 'sockjs', transport: 'websocket' },
  'sockjs xhr-streaming': { kind: 'sockjs', transport: 'xhr-streaming' },
  'sockjs xhr-polling': { kind: 'sockjs', transport: 'xhr-polling' },
  'sockjs eventsource': { kind: 'sockjs', transport: 'eventsource' },
};

export interface StompUserOptions {
  route?: StompRoute;
  token?: string;
  connectHeaders?: StompHeaders;
  heartbeatMs?: number;
  reconnectDelay?: number;
  splitLargeFrames?: boolean;
  chunkSize?: number;
}

/**
 * A real @stomp/stompjs client for tests, recording every MESSAGE per destination. Disposing it
 * deactivates the client.
 */
export class StompUser implements AsyncDisposable {
  readonly client: Client;
  readonly received = new Map<string, IMessage[]>();
  readonly errors: IFrame[] = [];
  readonly closeCodes: number[] = [];
  readonly subscriptions: string[] = [];
  connected = 0;
  lastConnected: IFrame | null = null;

  constructor(baseUrl: string, options: StompUserOptions = {}) {
    const route = options.route ?? ROUTES['ws /ws']!;
    const heartbeat = options.heartbeatMs ?? 10_000;
    this.client = new Client({
      webSocketFactory: () =>
        route.kind === 'ws'
          ? new WebSocket(baseUrl.replace(/^http/, 'ws') + route.path, ['v12.stomp', 'v11.stomp', 'v10.stomp'])
          : new SockJS(baseUrl + '/ws', null, { transports: [route.transport] }),
      connectHeaders: { ...(options.token ? { Authorization: `Bearer ${options.token}` } : {}), ...options.connectHeaders },
      heartbeatIncoming: heartbeat,
      heartbeatOutgoing: heartbeat,
      reconnectDelay: options.reconnectDelay ?? 0,
      splitLargeFrames: options.splitLargeFrames ?? false,
      ...(options.chunkSize ? { maxWebSocketChunkSize: options.chunkSize } : {}),
      onConnect: (frame) => {
        this.connected++;
        this.lastConnected = frame;
        for (const destination of this.subscriptions) void this.listen(destination);
      },
      onStompError: (frame) => this.errors.push(frame),
      onWebSocketClose: (event) => this.closeCodes.push(event.code),
    });
  }

  /** Subscribes now (resolving on the RECEIPT) and again after every reconnect, as apps do in onConnect. */
  async subscribe(...destinations: string[]): Promise<this> {
    const receipts: Promise<void>[] = [];
    for (const destination of destinations) {
      this.subscriptions.push(destination);
      if (this.client.connected) receipts.push(this.listen(destination));
    }
    await Promise.all(receipts);
    return this;
  }

  async connect(): Promise<this> {
    const before = this.connected;
    this.client.activate();
    await eventually(() => this.connected > before, 'STOMP CONNECTED');
    return this;
  }

  messages(destination: string): IMessage[] {
    return this.received.get(destination) ?? [];
  }

  bodies<T = any>(destination: string): T[] {
    return this.messages(destination).map((m) => JSON.parse(m.body) as T);
  }

  /** Waits for a MESSAGE on the destination whose JSON body satisfies the predicate. */
  async next<T = any>(destination: string, predicate: (body: T, message: IMessage) => boolean = () => true, timeoutMs = 10_000): Promise<{ body: T; message: IMessage }> {
    return eventually(
      () => {
        for (const message of this.messages(destination)) {
          const body = JSON.parse(message.body) as T;
          if (predicate(body, message)) return { body, message };
        }
        return null;
      },
      `a MESSAGE on ${destination}`,
      timeoutMs,
    );
  }

  /** Publishes JSON and resolves when the RECEIPT arrives (after the server committed it). */
  async publish(destination: string, body: unknown, headers: StompHeaders = {}): Promise<void> {
    const receipt = `r-${Math.random().toString(36).slice(2)}`;
    const done = new Promise<void>((resolve) => this.client.watchForReceipt(receipt, () => resolve()));
    this.client.publish({ destination, body: JSON.stringify(body), headers: { ...headers, receipt } });
    await done;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.client.deactivate();
  }

  private listen(destination: string): Promise<void> {
    const receipt = `s-${Math.random().toString(36).slice(2)}`;
    const done = new Promise<void>((resolve) => this.client.watchForReceipt(receipt, () => resolve()));
    this.client.subscribe(
      destination,
      (message) => {
        const list = this.received.get(destination) ?? [];
        list.push(message);
        this.received.set(destination, list);
      },
      { receipt },
    );
    return done;
  }
}
