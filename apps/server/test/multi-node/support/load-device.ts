import { HttpTransportType, HubConnectionBuilder, LogLevel, type HubConnection } from '@microsoft/signalr';
import { Client } from '@stomp/stompjs';
import WebSocket from 'ws';
import { nodeHubOptions } from '../../support/signalr-client.js';

/** A message pushed to a device, as the client's dedupe/gap logic sees it. */
export interface Pushed {
  id: number;
  userSeq: number | null;
  clientMsgId: string | null;
}

/**
 * A client device under load, like the SDK's outbox: it sends text messages with its own
 * clientMsgId, counts one as acknowledged only when the server confirmed the commit (STOMP
 * RECEIPT / SignalR completion), and resends whatever was not confirmed after a reconnect.
 */
export interface LoadDevice {
  readonly userId: number;
  readonly door: 'stomp' | 'signalr';
  readonly pushed: Pushed[];
  readonly acked: Set<string>;
  readonly pending: Map<string, { receiverId: number; content: string }>;
  readonly connects: number;
  send(receiverId: number, clientMsgId: string): void;
  /** Resolves when nothing is pending any more. */
  flush(timeoutMs: number): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Every device sends one message to its partner every `intervalMs`, each with a clientMsgId of
 * its own (`door-user-round`). `rounds` counts the rounds sent so far.
 */
export function startSteadyLoad(devices: readonly LoadDevice[], partnerOf: (userId: number) => number, intervalMs = 50): { stop(): void; readonly rounds: number } {
  let rounds = 0;
  const timer = setInterval(() => {
    for (const d of devices) d.send(partnerOf(d.userId), `${d.door}-${d.userId}-${rounds}`);
    rounds++;
  }, intervalMs);
  return {
    stop: () => clearInterval(timer),
    get rounds() {
      return rounds;
    },
  };
}

async function until(probe: () => boolean, what: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export function stompDevice(baseUrl: () => string, userId: number, token: string, reconnect = true): LoadDevice {
  const pushed: Pushed[] = [];
  const acked = new Set<string>();
  const pending = new Map<string, { receiverId: number; content: string }>();
  let connects = 0;
  const client = new Client({
    webSocketFactory: () => new WebSocket(baseUrl().replace(/^http/, 'ws') + '/ws', ['v12.stomp']),
    connectHeaders: { Authorization: `Bearer ${token}` },
    heartbeatIncoming: 2_000,
    heartbeatOutgoing: 2_000,
    reconnectDelay: reconnect ? 200 : 0,
    onConnect: () => {
      connects++;
      client.subscribe('/user/queue/messages', (frame) => {
        const body = JSON.parse(frame.body);
        pushed.push({ id: body.id, userSeq: frame.headers['user-seq'] ? Number(frame.headers['user-seq']) : null, clientMsgId: body.clientMsgId });
      });
      for (const id of pending.keys()) transmit(id);
    },
  });
  const transmit = (clientMsgId: string) => {
    const item = pending.get(clientMsgId);
    if (!item || !client.connected) return;
    const receipt = `r-${clientMsgId}-${Math.random().toString(36).slice(2, 8)}`;
    client.watchForReceipt(receipt, () => {
      if (pending.delete(clientMsgId)) acked.add(clientMsgId);
    });
    try {
      client.publish({ destination: '/app/chat.send', body: JSON.stringify({ receiverId: item.receiverId, messageType: 'TEXT', content: item.content, clientMsgId }), headers: { receipt } });
    } catch {
      // the socket died under us: resent on the next connect
    }
  };
  client.activate();
  return {
    userId,
    door: 'stomp',
    pushed,
    acked,
    pending,
    get connects() {
      return connects;
    },
    send(receiverId, clientMsgId) {
      pending.set(clientMsgId, { receiverId, content: `load ${clientMsgId}` });
      transmit(clientMsgId);
    },
    flush: (timeoutMs) => until(() => pending.size === 0, `stomp device ${userId}: ${pending.size} unconfirmed`, timeoutMs),
    stop: () => client.deactivate(),
  };
}

export function signalrDevice(baseUrl: string, userId: number, token: string): LoadDevice {
  const pushed: Pushed[] = [];
  const acked = new Set<string>();
  const pending = new Map<string, { receiverId: number; content: string }>();
  let connects = 0;
  const connection: HubConnection = new HubConnectionBuilder()
    .withUrl(`${baseUrl}/hubs/chat`, nodeHubOptions({ accessTokenFactory: () => token, transport: HttpTransportType.WebSockets }))
    .withAutomaticReconnect({ nextRetryDelayInMilliseconds: () => 200 })
    .configureLogging(LogLevel.None)
    .build();
  connection.serverTimeoutInMilliseconds = 6_000;
  connection.keepAliveIntervalInMilliseconds = 2_000;
  connection.on('ReceiveMessage', (m) => pushed.push({ id: m.id, userSeq: m.userSeq ?? null, clientMsgId: m.tempId ?? null }));
  connection.on('MessageSent', (m) => pushed.push({ id: m.messageId, userSeq: m.userSeq ?? null, clientMsgId: m.tempId ?? null }));
  const transmit = (clientMsgId: string) => {
    const item = pending.get(clientMsgId);
    if (!item || connection.state !== 'Connected') return;
    connection.invoke('SendMessage', { tempId: clientMsgId, receiverId: item.receiverId, messageType: 1, content: item.content }).then(
      () => {
        if (pending.delete(clientMsgId)) acked.add(clientMsgId);
      },
      () => undefined, // lost with the connection: resent after reconnecting
    );
  };
  connection.onreconnected(() => {
    connects++;
    for (const id of pending.keys()) transmit(id);
  });
  const started = connection.start().then(() => {
    connects++;
  });
  return {
    userId,
    door: 'signalr',
    pushed,
    acked,
    pending,
    get connects() {
      return connects;
    },
    send(receiverId, clientMsgId) {
      pending.set(clientMsgId, { receiverId, content: `load ${clientMsgId}` });
      void started.then(() => transmit(clientMsgId));
    },
    async flush(timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      while (pending.size > 0) {
        if (Date.now() > deadline) throw new Error(`signalr device ${userId}: ${pending.size} unconfirmed`);
        // A resend loop: an invocation whose completion was lost with a node is repeated.
        for (const id of pending.keys()) transmit(id);
        await new Promise((r) => setTimeout(r, 500));
      }
    },
    stop: () => connection.stop(),
  };
}
