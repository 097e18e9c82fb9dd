import { ParleyError } from './errors.js';

/** One HTTP request as the SDK issues it. `body` is already serialised. */
export interface HttpRequest {
  /** PATCH is not offered by `wx.request`: mini-programs edit and change settings through the hub (`transport: 'signalr'`). */
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  url: string;
  headers: Record<string, string>;
  body?: string;
  signal?: AbortSignal;
}

/** The parts of an HTTP response the SDK reads; `body` is the parsed JSON (or null when empty). */
export interface HttpResponse {
  status: number;
  body: unknown;
}

/**
 * Sends one request. Resolves with any HTTP status (errors included); rejects only when no
 * answer arrived (network failure, abort). Plug in `miniProgramHttp(wx)` where there is no fetch.
 */
export type HttpTransport = (request: HttpRequest) => Promise<HttpResponse>;

/** An HttpTransport over `fetch` (browsers, Node ≥ 18, Deno, Bun). */
export function fetchHttp(fetchImpl: typeof fetch = globalThis.fetch.bind(globalThis)): HttpTransport {
  return async (request) => {
    let response: Response;
    try {
      const init: RequestInit = { method: request.method, headers: request.headers };
      if (request.body !== undefined) init.body = request.body;
      if (request.signal) init.signal = request.signal;
      response = await fetchImpl(request.url, init);
    } catch (cause) {
      if (request.signal?.aborted) throw new ParleyError('ABORTED', 'request aborted', { cause });
      throw new ParleyError('NETWORK', `network error: ${String(cause)}`, { cause });
    }
    const text = await response.text();
    let body: unknown = null;
    if (text) {
      try {
        body = JSON.parse(text);
      } catch {
        body = text;
      }
    }
    return { status: response.status, body };
  };
}

/** The subset of the WeChat / uni-app `request` API used by `miniProgramHttp`. */
export interface MiniProgramRequestApi {
  request(options: {
    url: string;
    method: string;
    header: Record<string, string>;
    data?: string;
    dataType?: string;
    responseType?: string;
    success: (res: { statusCode: number; data: unknown }) => void;
    fail: (err: { errMsg?: string }) => void;
  }): unknown;
}

/** An HttpTransport over `wx.request` / `uni.request` for mini-programs (no fetch there). */
export function miniProgramHttp(api: MiniProgramRequestApi): HttpTransport {
  return (request) =>
    new Promise<HttpResponse>((resolve, reject) => {
      const options: Parameters<MiniProgramRequestApi['request']>[0] = {
        url: request.url,
        method: request.method,
        header: request.headers,
        dataType: 'json',
        responseType: 'text',
        success: (res) => {
          let body = res.data;
          if (typeof body === 'string' && body) {
            try {
              body = JSON.parse(body);
            } catch {
              /* keep the text */
            }
          }
          resolve({ status: res.statusCode, body: body === '' ? null : body });
        },
        fail: (err) => reject(new ParleyError('NETWORK', `network error: ${err.errMsg ?? 'request failed'}`)),
      };
      if (request.body !== undefined) options.data = request.body;
      api.request(options);
    });
}
