/**
 * The part of WeChat's server API both WeChat channels use: an access token per appid, cached and
 * refreshed, and one authenticated JSON POST that refreshes the token once when WeChat says it is
 * invalid or expired. Written against WeChat's documented HTTP API; the base URL is a setting
 * (`PARLEY_WECHAT_API_BASE`), so tests point it at a local server speaking the same API.
 */
import type { Clock } from '../ports/clock.js';
import type { DeliveryOutcome } from './channel.js';
import { OUTSIDE_CALL_TIMEOUT_MS, outcomeOfNetworkError, outcomeOfStatus } from './http-outcome.js';

/** WeChat's answer to every call: `errcode` 0 (or absent) is success. */
export interface WeChatAnswer {
  errcode: number;
  errmsg: string;
}

/** A call that ended without a usable answer, or with an error that ends it, as a delivery outcome. */
type CallFailure = Extract<DeliveryOutcome, { kind: 'retry' | 'failed' }>;

/** Token errors: the access token is invalid (40001, 40014) or expired (42001). */
const STALE_TOKEN = new Set([40001, 40014, 42001]);
/** WeChat is busy (-1) or this appid is over its call quota (45009): try again later. */
export const WECHAT_BUSY = new Set([-1, 45009]);
/** A token is refreshed this long before WeChat says it expires. */
const REFRESH_MARGIN_MS = 5 * 60_000;

export interface WeChatAppCredentials {
  apiBase: string;
  appId: string;
  secret: string;
}

class WeChatCallFailed extends Error {
  constructor(readonly outcome: CallFailure) {
    super(outcome.error);
  }
}

/** GET or POST a WeChat URL and read its JSON answer; a transport failure throws WeChatCallFailed. */
async function callJson(url: string, init: RequestInit, what: string, timeoutMs: number): Promise<Record<string, unknown>> {
  let response: Response;
  try {
    response = await fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
  } catch (error) {
    throw new WeChatCallFailed(outcomeOfNetworkError(error, what));
  }
  if (!response.ok) {
    await response.body?.cancel();
    throw new WeChatCallFailed(outcomeOfStatus(response, what));
  }
  try {
    const body: unknown = await response.json();
    if (typeof body === 'object' && body !== null) return body as Record<string, unknown>;
  } catch {
    // fall through: an answer that is not a JSON object
  }
  throw new WeChatCallFailed({ kind: 'retry', error: `${what} answered something that is not a JSON object` });
}

function answerOf(body: Record<string, unknown>): WeChatAnswer {
  return { errcode: typeof body.errcode === 'number' ? body.errcode : 0, errmsg: typeof body.errmsg === 'string' ? body.errmsg : '' };
}

/**
 * One appid's access token. WeChat allows a limited number of token fetches a day and a new token
 * invalidates the old one after a grace period, so a node keeps one token until 5 minutes before
 * it expires, and concurrent sends share one fetch in flight.
 */
export class WeChatAccessToken {
  private cached: { token: string; refreshAt: number } | null = null;
  private inFlight: Promise<string> | null = null;

  constructor(
    private readonly app: WeChatAppCredentials,
    private readonly clock: Clock,
    /** How long each call to WeChat may take, the token's and the sends made with it. */
    readonly timeoutMs: number = OUTSIDE_CALL_TIMEOUT_MS,
  ) {}

  /** A token believed valid; throws WeChatCallFailed when none could be had. */
  async get(): Promise<string> {
    if (this.cached && this.clock.now().getTime() < this.cached.refreshAt) return this.cached.token;
    this.inFlight ??= this.fetchToken().finally(() => (this.inFlight = null));
    return this.inFlight;
  }

  /** WeChat refused `token`: forget it, unless a newer one replaced it meanwhile. */
  invalidate(token: string): void {
    if (this.cached?.token === token) this.cached = null;
  }

  private async fetchToken(): Promise<string> {
    const query = new URLSearchParams({ grant_type: 'client_credential', appid: this.app.appId, secret: this.app.secret });
    const body = await callJson(`${this.app.apiBase}/cgi-bin/token?${query}`, { method: 'GET' }, 'WeChat token API', this.timeoutMs);
    if (typeof body.access_token !== 'string' || body.access_token === '') {
      const { errcode, errmsg } = answerOf(body);
      const error = `WeChat refused an access token for appid ${this.app.appId}: ${errcode} ${errmsg}`.trim();
      // Busy or over quota passes; a wrong appid or secret (40013, 40125, 40164 …) does not.
      throw new WeChatCallFailed(WECHAT_BUSY.has(errcode) ? { kind: 'retry', error } : { kind: 'failed', error });
    }
    const expiresInMs = (typeof body.expires_in === 'number' && body.expires_in > 0 ? body.expires_in : 7200) * 1000;
    const lifetime = Math.max(expiresInMs - REFRESH_MARGIN_MS, expiresInMs / 2);
    this.cached = { token: body.access_token, refreshAt: this.clock.now().getTime() + lifetime };
    return body.access_token;
  }
}

/**
 * POSTs `body` to a WeChat message API path with an access token; when WeChat says the token is
 * invalid or expired, gets a fresh one and tries once more. Answers WeChat's errcode, or how the
 * call failed.
 */
export async function postWithToken(tokens: WeChatAccessToken, apiBase: string, path: string, body: unknown): Promise<WeChatAnswer | CallFailure> {
  try {
    for (let attempt = 1; ; attempt++) {
      const token = await tokens.get();
      const answer = answerOf(
        await callJson(
          `${apiBase}${path}?access_token=${encodeURIComponent(token)}`,
          { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) },
          'WeChat message API',
          tokens.timeoutMs,
        ),
      );
      if (!STALE_TOKEN.has(answer.errcode)) return answer;
      tokens.invalidate(token);
      if (attempt === 2) return { kind: 'retry', error: `WeChat refused a freshly fetched access token: ${answer.errcode} ${answer.errmsg}` };
    }
  } catch (error) {
    if (error instanceof WeChatCallFailed) return error.outcome;
    throw error;
  }
}

export const isCallFailure = (result: WeChatAnswer | CallFailure): result is CallFailure => 'kind' in result;
