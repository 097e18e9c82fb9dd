/**
 * A small in-process stand-in for the Parley server (REST subset + STOMP over `ws`) used by the
 * SDK unit tests: it keeps per-conversation seq and per-user update logs like the real one, and
 * lets a test drop pushes or kill sockets. Token = `u<userId>`.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { STOMP_PUSH_QUEUES, type Message, type SyncEvent } from '@parley/protocol';

interface Session {
  userId: number;
  ws: WebSocket;
  subs: Map<string, string>; // destination -> subscription id
}

const DEST_BY_TYPE: Record<SyncEvent['type'], string> = STOMP_PUSH_QUEUES;

export class StubServer {
  readonly sessions = new Set<Session>();
  readonly logs = new Map<number, SyncEvent[]>();
  readonly messages: Message[] = [];
  readonly frames: string[] = [];
  /** Return true to drop the push instead of delivering it. */
  dropPush: (userId: number, event: SyncEvent) => boolean = () => false;
  /** Return an error code (with a `reason` for CONTENT_REJECTED) to refuse a send with it. */
  refuseSend: (body: Record<string, unknown>) => string | { code: string; reason: string } | null = () => null;
  /** Users refused as the real server refuses a banned user: ERROR on CONNECT, 403 USER_BANNED on REST. */
  readonly banned = new Set<number>();
  acceptConnections = true;
  connects = 0;
  private readonly http = createServer((req, res) => void this.handleHttp(req, res));
  private readonly wss = new WebSocketServer({ noServer: true, handleProtocols: (p) => (p.has('v12.stomp') ? 'v12.stomp' : false) });
  private nextMessageId = 1;
  private readonly convIds = new Map<string, number>();
  private readonly convSeq = new Map<number, number>();
  baseUrl = '';

  async start(): Promise<this> {
    this.http.on('upgrade', (req, socket, head) => {
      if (!this.acceptConnections || !req.url?.startsWith('/ws')) return socket.destroy();
      this.wss.handleUpgrade(req, socket, head, (ws) => this.onSocket(ws));
    });
    await new Promise<void>((resolve) => this.http.listen(0, '127.0.0.1', resolve));
    this.baseUrl = `http://127.0.0.1:${(this.http.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    this.killAll();
    this.wss.close();
    this.http.closeAllConnections();
    await new Promise((resolve) => this.http.close(resolve));
  }

  /** Bans a user: their live sessions get the ERROR frame the real server sends, and later connects are refused. */
  ban(userId: number): void {
    this.banned.add(userId);
    for (const s of this.sessions) {
      if (s.userId !== userId) continue;
      s.ws.send('ERROR\nmessage:USER_BANNED\n\nUSER_BANNED: this account is banned\0');
      s.ws.close();
    }
  }

  killAll(): void {
    for (const s of this.sessions) s.ws.terminate();
    this.sessions.clear();
  }

  log(userId: number): SyncEvent[] {
    let log = this.logs.get(userId);
    if (!log) this.logs.set(userId, (log = []));
    return log;
  }

  /** Stores a message as the real server would and pushes it to both users. */
  storeMessage(senderId: number, body: Record<string, unknown>): { message: Message; repeat: boolean } {
    const clientMsgId = String(body.clientMsgId);
    const existing = this.messages.find((m) => m.senderId === senderId && m.clientMsgId === clientMsgId);
    if (existing) return { message: existing, repeat: true };
    const receiverId = Number(body.receiverId);
    const key = [senderId, receiverId].sort((a, b) => a - b).join(':');
    let conversationId = this.convIds.get(key);
    if (!conversationId) this.convIds.set(key, (conversationId = this.convIds.size + 1));
    const seq = (this.convSeq.get(conversationId) ?? 0) + 1;
    this.convSeq.set(conversationId, seq);
    const message: Message = {
      id: this.nextMessageId++,
      conversationId,
      seq,
      senderId,
      receiverId,
      messageType: body.messageType as Message['messageType'],
      content: String(body.content),
      extra: (body.extra as Message['extra']) ?? null,
      status: 'NORMAL',
      isRead: false,
      clientMsgId,
      createdAt: new Date().toISOString(),
      editedAt: null,
      replyTo: null,
      reactions: [],
    };
    this.messages.push(message);
    for (const userId of new Set([senderId, receiverId])) this.record(userId, 'message', message);
    return { message, repeat: false };
  }

  record(userId: number, type: SyncEvent['type'], data: unknown): void {
    const log = this.log(userId);
    const event = { userSeq: log.length + 1, type, data } as SyncEvent;
    log.push(event);
    if (this.dropPush(userId, event)) return;
    this.push(userId, DEST_BY_TYPE[type], data, { 'user-seq': String(event.userSeq) });
  }

  push(userId: number, destination: string, data: unknown, headers: Record<string, string> = {}, only?: Session): void {
    for (const s of this.sessions) {
      if (s.userId !== userId || (only && s !== only)) continue;
      const sub = s.subs.get(destination);
      if (!sub) continue;
      const extra = Object.entries(headers).map(([k, v]) => `${k}:${v}\n`).join('');
      s.ws.send(`MESSAGE\ndestination:${destination}\nsubscription:${sub}\nmessage-id:${Math.random()}\n${extra}content-type:application/json\n\n${JSON.stringify(data)}\0`);
    }
  }

  private onSocket(ws: WebSocket): void {
    let session: Session | null = null;
    ws.on('message', (raw) => {
      const text = raw.toString();
      for (const frameText of text.split('\0')) {
        const trimmed = frameText.replace(/^[\r\n]+/, '');
        if (!trimmed) continue;
        this.frames.push(trimmed);
        const [head, ...rest] = trimmed.split('\n\n');
        const body = rest.join('\n\n');
        const [command, ...lines] = (head ?? '').split('\n');
        const headers: Record<string, string> = {};
        for (const line of lines) {
          const i = line.indexOf(':');
          if (i > 0 && !(line.slice(0, i) in headers)) headers[line.slice(0, i)] = line.slice(i + 1);
        }
        if (command === 'CONNECT' || command === 'STOMP') {
          const token = (headers.Authorization ?? '').replace('Bearer ', '');
          if (!/^u\d+$/.test(token)) {
            ws.send('ERROR\nmessage:Unauthorized\n\nbad token\0');
            ws.close();
            return;
          }
          if (this.banned.has(Number(token.slice(1)))) {
            this.connects++;
            ws.send('ERROR\nmessage:USER_BANNED\n\nUSER_BANNED: this account is banned\0');
            ws.close();
            return;
          }
          session = { userId: Number(token.slice(1)), ws, subs: new Map() };
          this.sessions.add(session);
          this.connects++;
          ws.send('CONNECTED\nversion:1.2\nheart-beat:0,0\n\n\0');
        } else if (command === 'SUBSCRIBE' && session) {
          session.subs.set(headers.destination ?? '', headers.id ?? '');
        } else if (command === 'SEND' && session) {
          this.onSend(session, headers, body);
        } else if (command === 'DISCONNECT') {
          if (headers.receipt) ws.send(`RECEIPT\nreceipt-id:${headers.receipt}\n\n\0`);
          ws.close();
        }
      }
    });
    ws.on('close', () => {
      if (session) this.sessions.delete(session);
    });
  }

  private onSend(session: Session, headers: Record<string, string>, text: string): void {
    const body = JSON.parse(text) as Record<string, unknown>;
    if (headers.destination === '/app/chat.send') {
      const refused = this.refuseSend(body);
      if (refused) {
        const { code, reason } = typeof refused === 'string' ? { code: refused, reason: undefined } : refused;
        this.push(session.userId, '/user/queue/errors', { code, message: code, reason, clientMsgId: String(body.clientMsgId), retryAfterMs: 50 }, {}, session);
      } else {
        const { message, repeat } = this.storeMessage(session.userId, body);
        if (repeat) this.push(session.userId, '/user/queue/messages', message, {}, session);
      }
    } else if (headers.destination === '/app/chat.typing') {
      const receiverId = Number(body.receiverId);
      this.push(receiverId, '/user/queue/typing', { conversationId: 1, userId: session.userId, typing: body.typing });
    }
    if (headers.receipt) session.ws.send(`RECEIPT\nreceipt-id:${headers.receipt}\n\n\0`);
  }

  private async handleHttp(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://x');
    const token = (req.headers.authorization ?? '').replace('Bearer ', '');
    const json = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (!/^u\d+$/.test(token)) return json(401, { error: { code: 'UNAUTHORIZED', message: 'no token' } });
    const userId = Number(token.slice(1));
    if (this.banned.has(userId)) return json(403, { error: { code: 'USER_BANNED', message: 'this account is banned' } });
    let raw = '';
    for await (const chunk of req) raw += String(chunk);
    if (url.pathname === '/users/me') return json(200, { id: userId, name: `U${userId}`, avatarUrl: null, wechatId: null, photoUrls: [] });
    if (url.pathname === '/sync') {
      const since = Number(url.searchParams.get('since') ?? 0);
      const limit = Number(url.searchParams.get('limit') ?? 100);
      const log = this.log(userId);
      const events = log.filter((e) => e.userSeq > since).slice(0, limit);
      const last = events.at(-1)?.userSeq ?? since;
      return json(200, { events, userSeq: log.length, hasMore: last < log.length });
    }
    if (url.pathname === '/messages/conversations') return json(200, { items: [], userSeq: this.log(userId).length, nextBefore: null });
    if (url.pathname === '/messages' && req.method === 'POST') {
      const { message, repeat } = this.storeMessage(userId, JSON.parse(raw) as Record<string, unknown>);
      return json(repeat ? 200 : 201, message);
    }
    if (url.pathname === '/media' && req.method === 'POST') return json(201, { url: '/media/x.png', mime: 'image/png', size: raw.length });
    json(404, { error: { code: 'MESSAGE_NOT_FOUND', message: 'no route' } });
  }
}

/** Resolves when `predicate` holds, polling; fails after `timeoutMs` (a generous bound, not a timing assertion). */
export async function waitFor(predicate: () => boolean, timeoutMs = 15_000, what = 'condition'): Promise<void> {
  const start = Date.now();
  while (!predicate()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
