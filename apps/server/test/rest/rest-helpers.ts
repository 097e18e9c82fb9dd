import { expect } from 'vitest';
import type { TestServer } from '../support/test-app.js';

/** Ids that are not positive integers within JSON number precision, as path text. */
export const BAD_PATH_IDS = ['0', '-1', '9223372036854775808', '1e20', 'abc', '1.5', '%27%20OR%201%3D1'];

/** The same as JSON values for bodies (2^63 and 1e20 are numbers beyond 2^53; "9" is the wrong type). */
export const BAD_BODY_IDS: unknown[] = [0, -1, 2 ** 63, 1e20, 'abc', '9', 1.5, null, true, [], {}];

/** Fresh users with tokens, created through the dev-token route, numbered from 1 per test file. */
export function userFactory(server: () => TestServer): (count: number) => Promise<{ id: number; token: string }[]> {
  let nextId = 1;
  return async (count) => {
    const result = [];
    for (let i = 0; i < count; i++) {
      const id = nextId++;
      result.push({ id, token: await server().token(id, `user${id}`) });
    }
    return result;
  };
}

/** fetch with a raw body and headers, answering status, parsed JSON (or text) and headers. */
export async function raw(
  server: TestServer,
  method: string,
  path: string,
  options: { token?: string; body?: string | Uint8Array | FormData; contentType?: string; headers?: Record<string, string> } = {},
): Promise<{ status: number; body: any; headers: Headers }> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.contentType) headers['content-type'] = options.contentType;
  const response = await fetch(server.url + path, { method, headers, ...(options.body !== undefined ? { body: options.body as BodyInit } : {}) });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    // not JSON
  }
  return { status: response.status, body, headers: response.headers };
}

/** Asserts the REST error shape `{"error":{"code","message"}}` with the code and status. */
export function expectError(response: { status: number; body: any }, status: number, code: string): void {
  expect({ status: response.status, code: response.body?.error?.code }, JSON.stringify(response.body)).toEqual({ status, code });
  expect(typeof response.body.error.message).toBe('string');
}

/** Everything the users can see: their full update logs and conversation lists. */
export async function visibleState(server: TestServer, tokens: string[]): Promise<unknown> {
  const state: unknown[] = [];
  for (const token of tokens) {
    const sync = await server.api(token, 'GET', '/sync?since=0&limit=1000');
    const list = await server.api(token, 'GET', '/messages/conversations?limit=100');
    expect(sync.status).toBe(200);
    expect(list.status).toBe(200);
    state.push(sync.body, list.body);
  }
  return state;
}

/** Runs `act` and asserts that nothing the users can see changed. */
export async function expectNothingStored(server: TestServer, tokens: string[], act: () => Promise<void>): Promise<void> {
  const before = JSON.stringify(await visibleState(server, tokens));
  await act();
  expect(JSON.stringify(await visibleState(server, tokens))).toBe(before);
}
