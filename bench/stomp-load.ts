/**
 * The load generator of `npm run bench`: N pairs of STOMP clients on raw `ws` sockets writing
 * the frames @stomp/stompjs writes. Each message carries its send time; the receiver records the
 * end-to-end latency. Closed loop (a fixed window of messages in flight per sender) for
 * throughput, or open loop at a fixed total rate for latency.
 */
import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';

export interface LoadTarget {
  /** `ws://…/ws` for Parley, `ws://…/` for the raw forwarder. */
  wsUrl: (userId: number) => string;
  /** The CONNECT + SUBSCRIBE frames for a user, or none (raw forwarder). */
  handshake: (userId: number) => string[];
  /**
   * How a frame travels on the socket, for relays that wrap it (Socket.IO events); plain text
   * by default. `unwrap` answers the relay's own control packets through `reply` and returns
   * the carried frame, or null for packets that carry none.
   */
  framing?: Framing;
}

export interface Framing {
  subprotocols: string[];
  /** Whether the handshake is done (for STOMP: the SUBSCRIBE receipt). */
  isReady: (text: string) => boolean;
  wrap: (frame: string) => string;
  unwrap: (text: string, reply: (text: string) => void) => string | null;
}

export const STOMP_FRAMING: Framing = {
  subprotocols: ['v12.stomp'],
  isReady: (text) => text.startsWith('RECEIPT'),
  wrap: (frame) => frame,
  unwrap: (text) => text,
};

export interface LoadResult {
  delivered: number;
  seconds: number;
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
}

interface Client {
  id: number;
  peer: number;
  socket: WebSocket;
  inFlight: number;
}

const quantile = (sorted: Float64Array, q: number): number => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]! : NaN);

export class StompLoad {
  private readonly clients = new Map<number, Client>();
  private latencies: number[] = [];
  private delivered = 0;
  private measuring = false;
  private window = 0;
  private seq = 0;
  // Several runs share one database: without a run id their clientMsgIds would repeat, and the
  // server would rightly answer the repeats as resends (echo to the sender, nothing delivered).
  private readonly runId = Math.random().toString(36).slice(2, 8);

  private readonly framing: Framing;

  constructor(
    private readonly target: LoadTarget,
    private readonly pairs: number,
    private readonly firstUserId: number,
  ) {
    this.framing = target.framing ?? STOMP_FRAMING;
  }

  async connect(): Promise<void> {
    const ids = Array.from({ length: this.pairs * 2 }, (_, i) => this.firstUserId + i);
    for (let i = 0; i < ids.length; i += 100) await Promise.all(ids.slice(i, i + 100).map((id) => this.open(id)));
  }

  /** Closed loop: every user keeps `window` messages in flight for `seconds` after a warm-up. */
  async closedLoop(window: number, warmupS: number, seconds: number): Promise<LoadResult> {
    this.window = window;
    for (const client of this.clients.values()) for (let i = 0; i < window; i++) this.send(client);
    await sleep(warmupS * 1000);
    const result = await this.measure(seconds);
    this.window = 0;
    await this.settle();
    return result;
  }

  /** Open loop: `rate` messages per second in total, spread over all users, for `seconds`. */
  async fixedRate(rate: number, warmupS: number, seconds: number): Promise<LoadResult> {
    const clients = [...this.clients.values()];
    let next = 0;
    const tickMs = 5;
    const perTick = (rate * tickMs) / 1000;
    let owed = 0;
    const timer = setInterval(() => {
      owed += perTick;
      for (; owed >= 1; owed--) this.send(clients[next++ % clients.length]!);
    }, tickMs);
    await sleep(warmupS * 1000);
    const result = await this.measure(seconds);
    clearInterval(timer);
    await this.settle();
    return result;
  }

  async close(): Promise<void> {
    for (const client of this.clients.values()) client.socket.terminate();
    this.clients.clear();
  }

  private async measure(seconds: number): Promise<LoadResult> {
    this.latencies = [];
    this.delivered = 0;
    this.measuring = true;
    const started = performance.now();
    await sleep(seconds * 1000);
    this.measuring = false;
    const elapsed = (performance.now() - started) / 1000;
    const sorted = Float64Array.from(this.latencies).sort();
    return { delivered: this.delivered, seconds: elapsed, perSecond: this.delivered / elapsed, p50Ms: quantile(sorted, 0.5), p99Ms: quantile(sorted, 0.99) };
  }

  /** Lets in-flight messages drain before the next phase. */
  private async settle(): Promise<void> {
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline && [...this.clients.values()].some((c) => c.inFlight > 0)) await sleep(50);
    for (const client of this.clients.values()) client.inFlight = 0;
  }

  private send(client: Client): void {
    // Three decimals: a full double's long run of digits looks like a phone number to the
    // contact guard, which masks it (about one message in 20), and the send time is then lost.
    client.inFlight++;
    const body = JSON.stringify({ receiverId: client.peer, messageType: 'TEXT', content: `t:${performance.now().toFixed(3)}`, clientMsgId: `b${this.runId}-${client.id}-${++this.seq}` });
    client.socket.send(this.framing.wrap(`SEND\ndestination:/app/chat.send\ncontent-length:${Buffer.byteLength(body)}\n\n${body}\0`));
  }

  private async open(id: number): Promise<void> {
    const peer = (id - this.firstUserId) % 2 === 0 ? id + 1 : id - 1;
    const framing = this.framing;
    const socket = new WebSocket(this.target.wsUrl(id), framing.subprotocols, { perMessageDeflate: false });
    const client: Client = { id, peer, socket, inFlight: 0 };
    const ready = new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      const handshake = this.target.handshake(id);
      socket.once('open', () => {
        for (const frame of handshake) socket.send(frame);
        if (handshake.length === 0) resolve();
      });
      socket.on('message', (data: Buffer) => {
        const text = framing.unwrap(data.toString('utf8'), (answer) => socket.send(answer));
        if (text === null) return;
        if (text.startsWith('MESSAGE')) this.onMessage(client, text);
        else if (framing.isReady(text)) resolve();
        else if (text.startsWith('ERROR')) reject(new Error(text));
      });
    });
    this.clients.set(id, client);
    await ready;
  }

  private onMessage(client: Client, frame: string): void {
    const body = JSON.parse(frame.slice(frame.indexOf('\n\n') + 2, frame.lastIndexOf('\0'))) as { senderId: number; content: string };
    if (body.senderId === client.id) return;
    const sentAt = Number(body.content.slice(2));
    if (this.measuring) {
      this.delivered++;
      this.latencies.push(performance.now() - sentAt);
    }
    const sender = this.clients.get(body.senderId);
    if (!sender) return;
    sender.inFlight = Math.max(0, sender.inFlight - 1);
    if (this.window > 0) this.send(sender);
  }
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
