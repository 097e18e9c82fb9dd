import { ERROR_CODES } from '@parley/protocol';
import fc from 'fast-check';
import { count, newReport, printable, type FuzzReport } from './fuzz-server.js';
import { mutatedJson, mutatedText } from './mutations.js';

export interface RestFuzzOptions {
  url: string;
  token: string;
  peer: number;
  inputs: number;
  /** Requests in flight at once. */
  concurrency: number;
  seed: number;
}

interface RestInput {
  method: string;
  path: string;
  body: string;
  contentType: string;
}

/** Valid requests with JSON bodies, to mutate; `peer` is the user they concern. */
function validRequests(peer: number): { method: string; path: string; body: unknown }[] {
  return [
    { method: 'POST', path: '/messages', body: { receiverId: peer, messageType: 'TEXT', content: 'hello 你好 😀', clientMsgId: 'rz-1' } },
    { method: 'POST', path: '/messages', body: { receiverId: peer, messageType: 'IMAGE', content: '/media/none.jpg', clientMsgId: 'rz-2', extra: { width: 1 } } },
    { method: 'PUT', path: '/users/me', body: { name: 'Fuzzy', avatarUrl: null, wechatId: 'wx_fuzz', photoUrls: ['/media/none.jpg'] } },
    { method: 'POST', path: '/messages/exchange', body: { receiverId: peer, kind: 'WECHAT' } },
    { method: 'PUT', path: '/messages/read/1', body: { upToSeq: 2 } },
    { method: 'POST', path: '/messages/exchange/1/respond', body: { accept: true } },
    { method: 'POST', path: '/messages', body: { receiverId: peer, messageType: 'TEXT', content: 're', clientMsgId: 'rz-3', replyToId: 1 } },
    { method: 'PATCH', path: '/messages/1', body: { content: 'edited 改过 😀' } },
    { method: 'PUT', path: '/messages/1/reaction', body: { emoji: '👍' } },
    { method: 'POST', path: '/auth/dev-token', body: { userId: 77, name: 'Dev' } },
  ];
}

/** Paths with mutated parameters and queries (no body). */
const PATHS = ['/messages/history/6?limit=20&beforeSeq=5', '/sync?since=0', '/messages/read/1', '/blocks/6', '/messages/1', '/messages/1/reaction', '/users/presence?ids=6'];

export function restInput(peer: number): fc.Arbitrary<RestInput> {
  const request = fc.constantFrom(...validRequests(peer));
  const json = (method: string, path: string, body: string): RestInput => ({ method, path, body, contentType: 'application/json' });
  return fc.oneof(
    { weight: 5, arbitrary: request.chain(({ method, path, body }) => mutatedJson(body).map((text) => json(method, path, text))) },
    { weight: 2, arbitrary: request.chain(({ method, path, body }) => mutatedText(JSON.stringify(body)).map((text) => json(method, path, text))) },
    {
      weight: 1,
      arbitrary: request.chain(({ method, path, body }) =>
        fc.constantFrom('text/plain', 'application/x-www-form-urlencoded', 'application/json; charset=latin1', '', 'multipart/form-data; boundary=x').map((contentType) => ({ method, path, body: JSON.stringify(body), contentType })),
      ),
    },
    {
      weight: 2,
      arbitrary: fc.tuple(fc.constantFrom(...PATHS), fc.constantFrom('GET', 'PUT', 'DELETE')).chain(([path, method]) =>
        mutatedText(path).map((mutated) => ({ method, path: asPath(mutated), body: '', contentType: '' })),
      ),
    },
  );
}

/** A mutated path as a request target: raw `%` kept (so broken escapes reach the server), the rest encoded. */
function asPath(mutated: string): string {
  const wellFormed = mutated.replace(/[\ud800-\udfff]/g, (char, i: number) => (/[\ud800-\udbff][\udc00-\udfff]/.test(mutated.slice(i - 1, i + 1)) || /[\ud800-\udbff][\udc00-\udfff]/.test(mutated.slice(i, i + 2)) ? char : '\ufffd'));
  return '/' + encodeURI(wellFormed.replace(/^\/+/, '')).replace(/%25/g, '%');
}

const CODES = new Set<string>(ERROR_CODES);

/**
 * Mutated REST requests: every answer is below 500, and every 4xx carries the error body
 * `{"error":{"code","message"}}` with a code from the protocol's list.
 */
export async function fuzzRest(options: RestFuzzOptions): Promise<FuzzReport> {
  const report = newReport('REST');
  const inputs = fc.sample(restInput(options.peer), { numRuns: options.inputs, seed: options.seed });
  let next = 0;
  const worker = async () => {
    while (next < inputs.length) {
      const input = inputs[next++]!;
      report.inputs++;
      report.connections++;
      const headers: Record<string, string> = { authorization: `Bearer ${options.token}` };
      if (input.contentType) headers['content-type'] = input.contentType;
      const hasBody = input.method !== 'GET' && input.method !== 'DELETE' && input.body !== '';
      let response: Response;
      try {
        response = await fetch(options.url + input.path, { method: input.method, headers, ...(hasBody ? { body: input.body } : {}) });
      } catch (error) {
        report.findings.push({ protocol: report.protocol, problem: `the request failed: ${String(error)}`, input: `${input.method} ${printable(input.path)} ${printable(input.body)}` });
        continue;
      }
      const text = await response.text();
      const where = `${input.method} ${printable(input.path)} (${input.contentType}) ${printable(input.body)}`;
      if (response.status >= 500) {
        report.findings.push({ protocol: report.protocol, problem: `answered ${response.status}: ${text.slice(0, 300)}`, input: where });
        continue;
      }
      count(report, String(response.status));
      if (response.status < 400) continue;
      let code: unknown;
      try {
        const body = JSON.parse(text) as { error?: { code?: unknown; message?: unknown } };
        code = typeof body.error?.message === 'string' ? body.error.code : undefined;
      } catch {
        code = undefined;
      }
      if (typeof code !== 'string' || !CODES.has(code) || code === 'INTERNAL') {
        report.findings.push({ protocol: report.protocol, problem: `answered ${response.status} without a coded error body: ${text.slice(0, 300)}`, input: where });
      }
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  return report;
}
