import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { miniProgramSocketFactory, type MiniProgramSocketApi, type SocketTask } from '../src/index.js';
import { ParleySignalR } from '../src/signalr-compat.js';
import { waitFor } from './helpers/stub-server.js';
import { devToken, startInProcessServer, type RunningServer } from './helpers/real-server.js';

/**
 * A stand-in for `uni` / `wx`: `connectSocket` opens a `ws` socket behind a SocketTask, so the
 * drop-in runs through the mini-program socket adapter as it would in a mini-program.
 * `offline` makes new sockets fail; `killSockets` cuts the open ones as a lost network would.
 */
class FakeMiniProgram implements MiniProgramSocketApi {
  offline = false;
  readonly opened: string[] = [];
  private readonly sockets = new Set<WebSocket>();

  connectSocket(options: { url: string; protocols?: string[] }): SocketTask {
    this.opened.push(options.url);
    const ws = new WebSocket(this.offline ? 'ws://127.0.0.1:9/hubs/chat' : options.url, options.protocols ?? []);
    this.sockets.add(ws);
    ws.on('close', () => this.sockets.delete(ws));
    ws.on('error', () => undefined);
    return {
      send: ({ data }) => ws.send(data),
      close: ({ code, reason } = {}) => ws.close(code, reason),
      onOpen: (cb) => ws.on('open', () => cb({})),
      onClose: (cb) => ws.on('close', (code, reason) => cb({ code, reason: reason.toString() })),
      onError: (cb) => ws.on('error', (error) => cb({ errMsg: error.message })),
      onMessage: (cb) => ws.on('message', (data, isBinary) => cb({ data: isBinary ? (data as Buffer).toString('utf8') : data.toString() })),
    };
  }

  killSockets(): void {
    for (const ws of this.sockets) ws.terminate();
  }
}

interface HubMessageView {
  id: number;
  sessionId: number;
  seq: number;
  senderId: number;
  messageType: number;
  content: string;
  status: number;
  tempId?: unknown;
}

/** The chat page as written for a hand-made hub client: a local bubble per send, patched by MessageSent. */
class ChatPage {
  readonly messages: Array<{ id: unknown; content: string; status: 'SENDING' | 'SENT' }> = [];
  readonly received: HubMessageView[] = [];
  readonly sent: Array<{ tempId: unknown; messageId: number }> = [];
  readonly events: Array<[string, Record<string, unknown>]> = [];
  private tempCounter = Date.now();

  constructor(readonly signalR: ParleySignalR) {
    signalR.on('ReceiveMessage', (message) => {
      const m = message as HubMessageView;
      this.received.push(m);
      this.messages.push({ id: m.id, content: m.content, status: 'SENT' });
    });
    signalR.on('MessageSent', (ack) => {
      const { tempId, messageId } = ack as { tempId: unknown; messageId: number };
      this.sent.push({ tempId, messageId });
      const local = this.messages.find((m) => m.id === tempId);
      if (local) {
        local.id = messageId;
        local.status = 'SENT';
      }
    });
    for (const name of ['MessagesRead', 'UserTyping', 'MessageRecalled']) {
      signalR.on(name, (body) => this.events.push([name, body as Record<string, unknown>]));
    }
  }

  send(receiverId: number, content: string): Promise<unknown> {
    const tempId = ++this.tempCounter;
    this.messages.push({ id: tempId, content, status: 'SENDING' });
    return this.signalR.invoke('SendMessage', { tempId, receiverId, messageType: 1, content });
  }
}

describe('ParleySignalR, the drop-in for hand-written hub clients', () => {
  let server: RunningServer;
  const clients: ParleySignalR[] = [];
  beforeAll(async () => {
    server = await startInProcessServer();
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.disconnect()));
  });
  afterAll(async () => {
    await server?.stop();
  });

  function open(userId: number, name: string) {
    const uni = new FakeMiniProgram();
    const signalR = new ParleySignalR({
      baseUrl: server.baseUrl,
      token: () => devToken(server.baseUrl, userId, name),
      socketFactory: miniProgramSocketFactory(uni),
      reconnect: { initialDelayMs: 50, maxDelayMs: 500 },
      heartbeatMs: 5000,
      ackTimeoutMs: 3000,
    });
    clients.push(signalR);
    return { uni, signalR, page: new ChatPage(signalR) };
  }

  it('drives the chat page: SendMessage with a numeric tempId, MessageSent and ReceiveMessage, MarkAsRead, Typing, recall', async () => {
    const a = open(501, 'Ada');
    const b = open(502, 'Ben');
    await a.signalR.connect();
    await b.signalR.connect();
    expect(a.signalR.isConnected).toBe(true);

    const result = (await a.page.send(502, '你好 Ben')) as HubMessageView;
    expect(result).toMatchObject({ senderId: 501, receiverId: 502, messageType: 1, content: '你好 Ben', status: 1 });
    expect(typeof result.tempId).toBe('number');
    await waitFor(() => a.page.sent.length === 1 && b.page.received.length === 1, 30_000, 'MessageSent and ReceiveMessage');
    expect(a.page.sent[0]).toEqual({ tempId: result.tempId, messageId: result.id });
    expect(a.page.messages).toEqual([{ id: result.id, content: '你好 Ben', status: 'SENT' }]);
    expect(a.page.received).toEqual([]);
    expect(b.page.received[0]).toMatchObject({ id: result.id, sessionId: result.sessionId, seq: 1, content: '你好 Ben' });

    // Group calls of group-based hub designs pass through to the hub, which accepts them for participants.
    await b.signalR.invoke('JoinGroup', result.sessionId);
    await b.signalR.invoke('LeaveGroup', result.sessionId);
    const read = await b.signalR.invoke('MarkAsRead', result.sessionId);
    expect(read).toMatchObject({ sessionId: result.sessionId, readUpToSeq: 1, unreadCount: 0 });
    await waitFor(() => a.page.events.some(([n]) => n === 'MessagesRead'), 30_000, 'MessagesRead');
    expect(a.page.events.find(([n]) => n === 'MessagesRead')?.[1]).toMatchObject({ sessionId: result.sessionId, readerId: 502, readUpToSeq: 1 });

    await a.signalR.invoke('Typing', 502, true);
    await waitFor(() => b.page.events.some(([n]) => n === 'UserTyping'), 30_000, 'UserTyping');
    expect(b.page.events.find(([n]) => n === 'UserTyping')?.[1]).toEqual({ sessionId: result.sessionId, userId: 501, isTyping: true });

    const recalled = (await a.signalR.invoke('RecallMessage', result.id)) as HubMessageView;
    expect(recalled).toMatchObject({ id: result.id, status: 2 });
    await waitFor(() => b.page.events.some(([n]) => n === 'MessageRecalled'), 30_000, 'MessageRecalled');
    expect(b.page.events.find(([n]) => n === 'MessageRecalled')?.[1]).toMatchObject({ sessionId: result.sessionId, messageId: result.id, seq: 1 });

    await expect(a.signalR.invoke('SendMessage', { tempId: 1, receiverId: 502, messageType: 4, content: 'x' })).rejects.toThrow(/^VALIDATION_FAILED: /);
    await expect(a.signalR.invoke('NoSuchMethod')).rejects.toThrow(/^NOT_FOUND: /);
    for (const url of [...a.uni.opened, ...b.uni.opened]) expect(new URL(url).pathname).toBe('/hubs/chat');
  });

  it('a killed socket on both sides: reconnects, and nothing is lost or doubled', async () => {
    const a = open(511, 'Amy');
    const b = open(512, 'Bob');
    await a.signalR.connect();
    await b.signalR.connect();
    await a.page.send(512, 'before');
    await waitFor(() => b.page.received.length === 1, 30_000, 'first message');

    // B loses its network for a while; A keeps talking, and loses its socket mid-stream too.
    b.uni.offline = true;
    b.uni.killSockets();
    await waitFor(() => !b.signalR.isConnected, 30_000, 'b disconnected');
    const sends: Promise<unknown>[] = [];
    for (let i = 1; i <= 6; i++) {
      sends.push(a.page.send(512, `while away ${i}`));
      if (i === 3) a.uni.killSockets();
    }
    await Promise.all(sends);
    // A hand-written client stops after 5 reconnect attempts; this one must still be trying.
    await waitFor(() => b.uni.opened.length >= 9, 30_000, 'b keeps trying past 5 attempts');
    b.uni.offline = false;
    b.signalR.client.reconnectNow();
    await waitFor(() => b.page.received.length === 7, 30_000, 'b catches up from /sync');
    await b.page.send(511, 'back');
    await waitFor(() => a.page.received.length === 1, 30_000, 'a receives the answer');

    expect(b.page.received.map((m) => m.content)).toEqual(['before', ...[1, 2, 3, 4, 5, 6].map((i) => `while away ${i}`)]);
    expect(b.page.received.map((m) => m.seq)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(a.page.sent.map((s) => s.messageId)).toEqual(b.page.received.map((m) => m.id));
    expect(a.page.messages.every((m) => m.status === 'SENT')).toBe(true);
    const history = await a.signalR.client.history(512, { limit: 100 });
    expect(history.items.map((m) => m.content)).toEqual([...b.page.received.map((m) => m.content), 'back']);
  });

  it('a page on the newer hub names: a reply through SendMessage, EditMessage and React, and MessageEdited / ReactionChanged in hub shapes', async () => {
    const a = open(521, 'Ana');
    const b = open(522, 'Bao');
    const seen: Array<[string, Record<string, unknown>]> = [];
    for (const name of ['MessageEdited', 'ReactionChanged']) b.signalR.on(name, (body) => seen.push([name, body as Record<string, unknown>]));
    await a.signalR.connect();
    await b.signalR.connect();
    const first = (await a.page.send(522, 'first')) as HubMessageView;
    const reply = (await b.signalR.invoke('SendMessage', { tempId: 7, receiverId: 521, messageType: 1, content: 'an answer', replyToId: first.id })) as { replyTo?: { id: number } };
    expect(reply.replyTo?.id).toBe(first.id);
    await a.signalR.invoke('EditMessage', first.id, 'first, edited');
    await a.signalR.invoke('React', first.id, '🎉');
    await waitFor(() => seen.length === 2, 30_000, 'both changes reach the page');
    expect(seen[0]).toEqual(['MessageEdited', expect.objectContaining({ id: first.id, sessionId: first.sessionId, messageType: 1, content: 'first, edited' })]);
    expect(seen[1]).toEqual(['ReactionChanged', expect.objectContaining({ sessionId: first.sessionId, messageId: first.id, emoji: '🎉', reactions: [{ emoji: '🎉', userIds: [521] }] })]);
  });
});
