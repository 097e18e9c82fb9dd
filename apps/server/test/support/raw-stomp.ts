import WebSocket from 'ws';
import { StompFrameParser } from '../../src/gateways/stomp/frame-parser.js';
import type { StompFrame } from '../../src/gateways/stomp/stomp-frame.js';
import { eventually } from './test-app.js';

/** A frame as the test reads it: command, first header values, body text. */
export interface SeenFrame {
  command: string;
  headers: Record<string, string>;
  body: string;
  raw: StompFrame;
}

/**
 * A hand-driven STOMP client on a raw `ws` socket: sends exactly the bytes a test writes and
 * records every frame, heart-beat and the close code.
 */
export class RawStomp implements AsyncDisposable {
  readonly frames: SeenFrame[] = [];
  readonly messages: string[] = [];
  heartbeats = 0;
  closeCode: number | null = null;
  private readonly parser = new StompFrameParser(1024 * 1024);

  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data: Buffer) => {
      this.messages.push(data.toString('utf8'));
      this.parser.push(data);
      for (let item = this.parser.next(); item; item = this.parser.next()) {
        if (item.type === 'heartbeat') this.heartbeats++;
        else {
          const headers: Record<string, string> = {};
          for (const [name, value] of item.frame.headers) headers[name] ??= value;
          this.frames.push({ command: item.frame.command, headers, body: Buffer.from(item.frame.body).toString('utf8'), raw: item.frame });
        }
      }
    });
    socket.on('close', (code) => (this.closeCode = code));
  }

  static async open(wsUrl: string, path = '/ws', protocols: string[] = ['v12.stomp', 'v11.stomp', 'v10.stomp']): Promise<RawStomp> {
    const socket = new WebSocket(wsUrl + path, protocols);
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    return new RawStomp(socket);
  }

  /** Opens, sends CONNECT with the token (and extra header lines), waits for CONNECTED. */
  static async connected(wsUrl: string, token: string, extra = 'heart-beat:0,0\n'): Promise<RawStomp> {
    const raw = await RawStomp.open(wsUrl);
    raw.send(`CONNECT\naccept-version:1.2\nAuthorization:Bearer ${token}\n${extra}\n\0`);
    await raw.next('CONNECTED');
    return raw;
  }

  send(data: string | Buffer): void {
    this.socket.send(data);
  }

  /** The first not yet taken frame with this command (and matching predicate). */
  async next(command: string, predicate: (frame: SeenFrame) => boolean = () => true, timeoutMs = 10_000): Promise<SeenFrame> {
    const frame = await eventually(() => this.frames.find((f) => f.command === command && !taken.has(f) && predicate(f)), `a ${command} frame`, timeoutMs);
    taken.add(frame);
    return frame;
  }

  /** Resolves with the close code once the server closed the socket. */
  async closed(timeoutMs = 10_000): Promise<number> {
    return eventually(() => this.closeCode, 'the socket to close', timeoutMs);
  }

  /** Subscribes and waits for the receipt. */
  async subscribe(id: string, destination: string): Promise<void> {
    this.send(`SUBSCRIBE\nid:${id}\ndestination:${destination}\nreceipt:sub-${id}\n\n\0`);
    await this.next('RECEIPT', (f) => f.headers['receipt-id'] === `sub-${id}`);
  }

  async [Symbol.asyncDispose](): Promise<void> {
    if (this.socket.readyState === WebSocket.OPEN || this.socket.readyState === WebSocket.CONNECTING) this.socket.terminate();
  }
}

const taken = new WeakSet<SeenFrame>();

