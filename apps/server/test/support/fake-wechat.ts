import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One call the fake received: which API, with which query and JSON body. */
export interface WeChatCall {
  path: string;
  query: URLSearchParams;
  body: any;
}

type Answer = { status?: number; json: Record<string, unknown> };

/**
 * A local stand-in for WeChat's server API (`PARLEY_WECHAT_API_BASE`), speaking the documented
 * endpoints: `GET /cgi-bin/token` hands out numbered tokens per appid, and the two message APIs
 * answer `{"errcode":0}` for a current token, 40001 for an unknown one, or a scripted answer.
 */
export class FakeWeChat implements AsyncDisposable {
  readonly calls: WeChatCall[] = [];
  /** Answers the next message-API calls give instead of the default, in order. */
  readonly scriptedSends: Answer[] = [];
  /** Answers the next token calls give instead of a new token, in order. */
  readonly scriptedTokens: Answer[] = [];
  /** Tokens the fake accepts, by appid; `expireTokens` empties it as WeChat would after a refresh elsewhere. */
  private readonly valid = new Map<string, Set<string>>();
  private issued = 0;
  expiresIn = 7200;
  url = '';
  private readonly server = createServer((req, res) => void this.handle(req, res));

  static async start(): Promise<FakeWeChat> {
    const fake = new FakeWeChat();
    await new Promise<void>((resolve) => fake.server.listen(0, '127.0.0.1', resolve));
    fake.url = `http://127.0.0.1:${(fake.server.address() as AddressInfo).port}`;
    return fake;
  }

  tokenCalls(appId?: string): WeChatCall[] {
    return this.calls.filter((c) => c.path === '/cgi-bin/token' && (appId === undefined || c.query.get('appid') === appId));
  }

  sends(path = '/cgi-bin/message/subscribe/send'): WeChatCall[] {
    return this.calls.filter((c) => c.path === path);
  }

  /** Every token handed out so far stops working: the next send answers 42001. */
  expireTokens(): void {
    this.valid.clear();
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake');
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const call: WeChatCall = { path: url.pathname, query: url.searchParams, body: text ? JSON.parse(text) : null };
    this.calls.push(call);
    const reply = ({ status = 200, json }: Answer) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(json));
    };
    if (url.pathname === '/cgi-bin/token') {
      const scripted = this.scriptedTokens.shift();
      if (scripted) return reply(scripted);
      const appId = url.searchParams.get('appid') ?? '';
      const token = `token-${appId}-${++this.issued}`;
      if (!this.valid.has(appId)) this.valid.set(appId, new Set());
      this.valid.get(appId)!.add(token);
      return reply({ json: { access_token: token, expires_in: this.expiresIn } });
    }
    if (url.pathname === '/cgi-bin/message/subscribe/send' || url.pathname === '/cgi-bin/message/template/send') {
      const token = url.searchParams.get('access_token') ?? '';
      const known = [...this.valid.values()].some((tokens) => tokens.has(token));
      if (!known) return reply({ json: { errcode: token.startsWith('token-') ? 42001 : 40001, errmsg: 'access_token expired or invalid' } });
      return reply(this.scriptedSends.shift() ?? { json: { errcode: 0, errmsg: 'ok', msgid: this.calls.length } });
    }
    reply({ status: 404, json: { errcode: 404, errmsg: 'no such API' } });
  }

  async [Symbol.asyncDispose](): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
