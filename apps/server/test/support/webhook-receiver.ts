import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request the receiver got: its headers, the raw body (what the signature covers) and the parsed JSON. */
export interface ReceivedHook {
  path: string;
  headers: IncomingHttpHeaders;
  raw: string;
  body: any;
}

/**
 * A local HTTP endpoint standing in for the host application's webhook and events URLs: records
 * every POST and answers 200, or the statuses scripted in `answers` (in order, one per request).
 */
export class WebhookReceiver implements AsyncDisposable {
  readonly received: ReceivedHook[] = [];
  readonly answers: number[] = [];
  /** While true, requests are recorded but left unanswered (a receiver that hangs), until `release()`. */
  holding = false;
  private readonly held: (() => void)[] = [];
  url = '';
  private readonly server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      let body: unknown = raw;
      try {
        body = JSON.parse(raw);
      } catch {
        // not JSON: kept as text
      }
      this.received.push({ path: req.url ?? '', headers: req.headers, raw, body });
      const answer = () => {
        res.statusCode = this.answers.shift() ?? 200;
        res.end();
      };
      if (this.holding) this.held.push(answer);
      else answer();
    });
  });

  static async start(): Promise<WebhookReceiver> {
    const receiver = new WebhookReceiver();
    await new Promise<void>((resolve) => receiver.server.listen(0, '127.0.0.1', resolve));
    receiver.url = `http://127.0.0.1:${(receiver.server.address() as AddressInfo).port}`;
    return receiver;
  }

  /** Stops holding and answers what was held. */
  release(): void {
    this.holding = false;
    for (const answer of this.held.splice(0)) answer();
  }

  /** Requests to one path (the notification and events URLs differ by path). */
  at(path: string): ReceivedHook[] {
    return this.received.filter((r) => r.path === path);
  }

  async [Symbol.asyncDispose](): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
