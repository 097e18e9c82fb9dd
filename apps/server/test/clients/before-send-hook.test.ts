/**
 * The before-send hook against a hook server in this test process, through real clients: the
 * signature, allow / reject / replace, timeouts and errors failing open and closed, no second
 * call for a resend of a stored message, and many sends waiting on their hooks at once while
 * one sender's messages keep their order.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SIGNATURE_HEADER, TIMESTAMP_HEADER, verifySignature } from '../../src/http-signing/hmac-signature.js';
import { SignalRUser } from '../support/signalr-client.js';
import { StompUser } from '../support/stomp-client.js';
import { eventually, startTestServer, type TestServer } from '../support/test-app.js';

const SECRET = 'hook-secret-for-tests';

interface HookCall {
  body: { event: string; message: Record<string, unknown> };
  signed: boolean;
}

/** A host app's hook: decides by the message content, records every call and how many ran at once. */
class HookServer {
  readonly calls: HookCall[] = [];
  inFlight = 0;
  /** Answers of `hold` messages, waiting until the test lets them go. */
  readonly held: (() => void)[] = [];
  private server!: Server;
  url = '';

  async start(): Promise<this> {
    this.server = createServer((request, response) => void this.handle(request, response));
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/before-send`;
    return this;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }

  private async handle(request: IncomingMessage, response: import('node:http').ServerResponse): Promise<void> {
    this.inFlight++;
    try {
      const chunks: Buffer[] = [];
      for await (const chunk of request) chunks.push(chunk as Buffer);
      const raw = Buffer.concat(chunks).toString('utf8');
      const signed = verifySignature(SECRET, String(request.headers[TIMESTAMP_HEADER.toLowerCase()]), String(request.headers[SIGNATURE_HEADER.toLowerCase()]), raw, Date.now());
      const body = JSON.parse(raw) as HookCall['body'];
      this.calls.push({ body, signed });
      const content = String(body.message.content);
      const answer = (status: number, json: unknown) => response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(json));
      if (content.startsWith('wait ')) await new Promise((resolve) => setTimeout(resolve, Number(content.slice(5))));
      if (content.startsWith('hold')) await new Promise<void>((resolve) => this.held.push(resolve));
      if (content === 'reject me') return void answer(200, { action: 'reject', reason: 'no spam please' });
      if (content === 'replace me') return void answer(200, { action: 'replace', content: 'replaced by the host' });
      if (content === 'boom') return void answer(500, { error: 'broken' });
      if (content === 'nonsense') return void answer(200, { action: 'maybe' });
      answer(200, { action: 'allow' });
    } finally {
      this.inFlight--;
    }
  }
}

let nextUser = 9600;
async function pairOn(server: TestServer) {
  const ids = [nextUser++, nextUser++] as const;
  return { alice: { id: ids[0], token: await server.token(ids[0]) }, bob: { id: ids[1], token: await server.token(ids[1]) } };
}
const text = (receiverId: number, content: string, clientMsgId: string) => ({ receiverId, messageType: 'TEXT', content, clientMsgId });

describe('before-send hook, failing open', () => {
  let hook: HookServer;
  let server: TestServer;
  beforeAll(async () => {
    hook = await new HookServer().start();
    server = await startTestServer({ PARLEY_HOOK_URL: hook.url, PARLEY_HOOK_SECRET: SECRET, PARLEY_HOOK_TIMEOUT_MS: '300', PARLEY_SEND_RATE: '1000', PARLEY_SEND_BURST: '1000' });
  });
  afterAll(async () => {
    await server?.app.shutdown();
    await hook?.stop();
  });

  it('posts a signed message.before_send event and stores what it allows', async () => {
    const { alice, bob } = await pairOn(server);
    const first = await server.api(alice.token, 'POST', '/messages', text(bob.id, 'hello 138 0013 8000', 'h-1'));
    expect(first.status).toBe(201);
    const call = hook.calls.find((c) => c.body.message.clientMsgId === 'h-1')!;
    expect(call.signed).toBe(true);
    // The hook sees the message after the contact guard, before the conversation exists.
    expect(call.body).toEqual({
      event: 'message.before_send',
      message: { senderId: alice.id, receiverId: bob.id, conversationId: null, messageType: 'TEXT', content: 'hello *************', extra: { masked: ['CONTACT'] }, clientMsgId: 'h-1' },
    });
    await server.api(alice.token, 'POST', '/messages', text(bob.id, 'again', 'h-2'));
    expect(hook.calls.find((c) => c.body.message.clientMsgId === 'h-2')!.body.message.conversationId).toBe(first.body.conversationId);
  });

  it('refuses what it rejects with reason HOOK on every door, and stores what it replaces', async () => {
    const { alice, bob } = await pairOn(server);
    const refused = await server.api(alice.token, 'POST', '/messages', text(bob.id, 'reject me', 'r-1'));
    expect(refused).toMatchObject({ status: 422, body: { error: { code: 'CONTENT_REJECTED', reason: 'HOOK' } } });
    expect(refused.body.error.message).toContain('no spam please');
    await using stomp = await new StompUser(server.url, { token: alice.token }).connect();
    await stomp.subscribe('/user/queue/errors', '/user/queue/messages');
    await stomp.publish('/app/chat.send', text(bob.id, 'reject me', 'r-2'));
    expect((await stomp.next('/user/queue/errors')).body).toMatchObject({ code: 'CONTENT_REJECTED', reason: 'HOOK', clientMsgId: 'r-2' });
    await using hub = await SignalRUser.start(server.url, alice.token);
    await expect(hub.invoke('SendMessage', { tempId: 'r-3', receiverId: bob.id, messageType: 1, content: 'reject me' })).rejects.toThrow(/CONTENT_REJECTED: HOOK: refused by the before-send hook: no spam please/);
    const replaced = await server.api(alice.token, 'POST', '/messages', text(bob.id, 'replace me', 'r-4'));
    expect(replaced).toMatchObject({ status: 201, body: { content: 'replaced by the host' } });
    const history = await server.api(bob.token, 'GET', `/messages/history/${alice.id}`);
    expect(history.body.items.map((m: { content: string }) => m.content)).toEqual(['replaced by the host']);
  });

  it('stores the message when the hook times out, fails or answers nonsense', async () => {
    const { alice, bob } = await pairOn(server);
    for (const [content, id] of [
      ['wait 2000', 'f-1'],
      ['boom', 'f-2'],
      ['nonsense', 'f-3'],
    ] as const) {
      expect(await server.api(alice.token, 'POST', '/messages', text(bob.id, content, id))).toMatchObject({ status: 201, body: { content } });
    }
  });

  it('does not call the hook again for a resend of a stored clientMsgId', async () => {
    const { alice, bob } = await pairOn(server);
    const first = await server.api(alice.token, 'POST', '/messages', text(bob.id, 'once', 'once-1'));
    const again = await server.api(alice.token, 'POST', '/messages', text(bob.id, 'once', 'once-1'));
    expect(first.status).toBe(201);
    expect(again).toMatchObject({ status: 200, body: { id: first.body.id } });
    expect(hook.calls.filter((c) => c.body.message.clientMsgId === 'once-1')).toHaveLength(1);
  });

});

describe('before-send hook, many at once', () => {
  let hook: HookServer;
  let server: TestServer;
  beforeAll(async () => {
    hook = await new HookServer().start();
    server = await startTestServer({ PARLEY_HOOK_URL: hook.url, PARLEY_HOOK_SECRET: SECRET, PARLEY_HOOK_TIMEOUT_MS: '30000', PARLEY_SEND_RATE: '1000', PARLEY_SEND_BURST: '1000' });
  });
  afterAll(async () => {
    await server?.app.shutdown();
    await hook?.stop();
  });

  it('waits on every hook of one sender at once, and stores the messages in the order they were sent', async () => {
    const { alice, bob } = await pairOn(server);
    await using stomp = await new StompUser(server.url, { token: alice.token }).connect();
    await stomp.subscribe('/user/queue/messages', '/user/queue/errors');
    const sends = Array.from({ length: 12 }, (_, i) => ({ content: `hold ${i}`, clientMsgId: `o-${i}` }));
    for (const send of sends) stomp.client.publish({ destination: '/app/chat.send', body: JSON.stringify({ receiverId: bob.id, messageType: 'TEXT', ...send }) });
    // Every one of the sender's messages is with the hook at the same time…
    await eventually(() => hook.held.length === sends.length, 'all twelve hook calls waiting together');
    // …and the hook answers the last first: the order still comes from the sender.
    for (const release of hook.held.splice(0).reverse()) release();
    await eventually(() => stomp.messages('/user/queue/messages').length === sends.length, 'every message stored');
    const stored = stomp.bodies<{ clientMsgId: string; seq: number }>('/user/queue/messages').sort((a, b) => a.seq - b.seq);
    expect(stored.map((m) => m.clientMsgId)).toEqual(sends.map((s) => s.clientMsgId));
    expect(stored.map((m) => m.seq)).toEqual(sends.map((_, i) => i + 1));
    expect(stomp.messages('/user/queue/errors')).toEqual([]);
  });
});

describe('before-send hook, failing closed', () => {
  let hook: HookServer;
  let server: TestServer;
  beforeAll(async () => {
    hook = await new HookServer().start();
    server = await startTestServer({ PARLEY_HOOK_URL: hook.url, PARLEY_HOOK_SECRET: SECRET, PARLEY_HOOK_TIMEOUT_MS: '300', PARLEY_HOOK_FAIL_OPEN: 'false' });
  });
  afterAll(async () => {
    await server?.app.shutdown();
    await hook?.stop();
  });

  it('refuses with UNAVAILABLE and stores nothing when the hook times out, fails, answers nonsense or is unreachable', async () => {
    const { alice, bob } = await pairOn(server);
    for (const [content, id] of [
      ['wait 2000', 'c-1'],
      ['boom', 'c-2'],
      ['nonsense', 'c-3'],
    ] as const) {
      expect(await server.api(alice.token, 'POST', '/messages', text(bob.id, content, id))).toMatchObject({ status: 503, body: { error: { code: 'UNAVAILABLE' } } });
    }
    expect((await server.api(alice.token, 'POST', '/messages', text(bob.id, 'fine', 'c-4'))).status).toBe(201);
    await hook.stop();
    expect(await server.api(alice.token, 'POST', '/messages', text(bob.id, 'no one listens', 'c-5'))).toMatchObject({ status: 503, body: { error: { code: 'UNAVAILABLE' } } });
    const history = await server.api(alice.token, 'GET', `/messages/history/${bob.id}`);
    expect(history.body.items.map((m: { clientMsgId: string }) => m.clientMsgId)).toEqual(['c-4']);
    hook = await new HookServer().start();
  });
});
