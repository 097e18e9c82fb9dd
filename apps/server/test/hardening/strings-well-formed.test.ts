/**
 * Every string a client sends must be well-formed text: a lone UTF-16 surrogate (JSON's
 * "\ud800") is VALIDATION_FAILED on REST, STOMP and SignalR, never a 500, and never stored; a
 * STOMP body that is not valid UTF-8 is refused the same way instead of being silently mangled.
 * Run on embedded PGlite and on PostgreSQL, where text and jsonb refuse such strings late.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { userFactory } from '../rest/rest-helpers.js';
import { RawStomp } from '../support/raw-stomp.js';
import { SignalRUser } from '../support/signalr-client.js';
import { createTestDatabase, TEST_DATABASE_URL, type TestDatabase } from '../support/test-database.js';
import { startTestServer, type TestServer } from '../support/test-app.js';

const LONE = ['\ud800', '\udfff', 'ok\ud83d', '\ude00x'];

const DATABASES = [
  { name: 'PGlite', available: true, url: async (): Promise<TestDatabase | null> => null },
  { name: 'PostgreSQL', available: Boolean(TEST_DATABASE_URL), url: createTestDatabase },
];

function sendFrame(body: string | Buffer, receipt: string): Buffer {
  const head = Buffer.from(`SEND\ndestination:/app/chat.send\ncontent-type:application/json\nreceipt:${receipt}\n\n`);
  return Buffer.concat([head, Buffer.isBuffer(body) ? body : Buffer.from(body), Buffer.from([0])]);
}

for (const database of DATABASES) {
  describe.skipIf(!database.available)(`lone surrogates and invalid UTF-8 on ${database.name}`, () => {
    let server: TestServer;
    let db: TestDatabase | null = null;
    const users = userFactory(() => server);

    beforeAll(async () => {
      db = await database.url();
      server = await startTestServer(db ? { DATABASE_URL: db.url } : {});
    });
    afterAll(async () => {
      await server?.[Symbol.asyncDispose]();
      await db?.drop();
    });

    async function historyOf(token: string, peerId: number): Promise<unknown[]> {
      return (await server.api(token, 'GET', `/messages/history/${peerId}`)).body.items;
    }

    it('REST: content, clientMsgId, profile names and dev sign-in names are VALIDATION_FAILED', async () => {
      const [alice, bob] = await users(2);
      for (const lone of LONE) {
        const bodies = [
          { receiverId: bob!.id, messageType: 'TEXT', content: `hi ${lone}`, clientMsgId: 'c-1' },
          { receiverId: bob!.id, messageType: 'TEXT', content: 'hi', clientMsgId: `c-${lone}` },
          { receiverId: bob!.id, messageType: 'EMOJI', content: lone, clientMsgId: 'c-2' },
        ];
        for (const body of bodies) {
          const response = await server.api(alice!.token, 'POST', '/messages', body);
          expect(response.status, JSON.stringify(body)).toBe(400);
          expect(response.body.error.code).toBe('VALIDATION_FAILED');
        }
        const profile = await server.api(alice!.token, 'PUT', '/users/me', { name: `A${lone}`, wechatId: `w${lone}` });
        expect(profile.status).toBe(400);
        expect(profile.body.error.code).toBe('VALIDATION_FAILED');
        const signIn = await server.api('', 'POST', '/auth/dev-token', { userId: 99, name: lone });
        expect(signIn.status).toBe(400);
        expect(signIn.body.error.code).toBe('VALIDATION_FAILED');
      }
      expect(await historyOf(alice!.token, bob!.id)).toEqual([]);
      // The door still works for well-formed text, astral characters included.
      const fine = await server.api(alice!.token, 'POST', '/messages', { receiverId: bob!.id, messageType: 'TEXT', content: 'ok 😀', clientMsgId: 'c-ok' });
      expect(fine.status).toBe(201);
      expect(fine.body.content).toBe('ok 😀');
    });

    it('STOMP: a lone surrogate in a JSON body, or a body that is not UTF-8, is VALIDATION_FAILED and stores nothing', async () => {
      const [alice, bob] = await users(2);
      await using raw = await RawStomp.connected(server.wsUrl, alice!.token);
      await raw.subscribe('e', '/user/queue/errors');
      const escaped = (field: string, lone: string) =>
        JSON.stringify({ receiverId: bob!.id, messageType: 'TEXT', content: 'hi', clientMsgId: 's-x', [field]: `v${lone}` });
      const bodies: (string | Buffer)[] = [
        escaped('content', '\ud800'),
        escaped('clientMsgId', '\udc00'),
        // "hi" then the three UTF-8-looking bytes of U+D800, which UTF-8 forbids.
        Buffer.concat([
          Buffer.from(`{"receiverId":${bob!.id},"messageType":"TEXT","clientMsgId":"s-bytes","content":"hi`),
          Buffer.from([0xed, 0xa0, 0x80]),
          Buffer.from('"}'),
        ]),
        Buffer.concat([Buffer.from(`{"receiverId":${bob!.id},"messageType":"TEXT","clientMsgId":"s-ff","content":"`), Buffer.from([0xff, 0xfe]), Buffer.from('"}')]),
      ];
      for (const body of bodies) raw.send(sendFrame(body, 'r'));
      for (let i = 0; i < bodies.length; i++) {
        const error = JSON.parse((await raw.next('MESSAGE', (f) => f.headers.destination === '/user/queue/errors')).body);
        expect(error.code).toBe('VALIDATION_FAILED');
      }
      // The connection survives and still sends well-formed messages.
      raw.send(sendFrame(JSON.stringify({ receiverId: bob!.id, messageType: 'TEXT', content: '好 😀', clientMsgId: 's-ok' }), 'ok'));
      await raw.next('RECEIPT', (f) => f.headers['receipt-id'] === 'ok');
      const history = (await historyOf(alice!.token, bob!.id)) as { content: string }[];
      expect(history.map((m) => m.content)).toEqual(['好 😀']);
    });

    it('SignalR: a lone surrogate in SendMessage is a VALIDATION_FAILED invocation error', async () => {
      const [alice, bob] = await users(2);
      await using hub = await SignalRUser.start(server.url, alice!.token);
      for (const dto of [
        { tempId: 't-1', receiverId: bob!.id, messageType: 1, content: 'x\ud800' },
        { tempId: 't-\udbff', receiverId: bob!.id, messageType: 1, content: 'x' },
        { tempId: 't-3', receiverId: bob!.id, messageType: 1, content: 'x', extraData: '{"a":"\udc00"}' },
      ]) {
        await expect(hub.invoke('SendMessage', dto)).rejects.toThrow(/VALIDATION_FAILED/);
      }
      expect(await historyOf(alice!.token, bob!.id)).toEqual([]);
      const stored = await hub.invoke('SendMessage', { tempId: 't-ok', receiverId: bob!.id, messageType: 1, content: 'fine 😀' });
      expect(stored.content).toBe('fine 😀');
    });
  });
}
