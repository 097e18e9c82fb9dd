import { describe, expect, it } from 'vitest';
import { createTestDatabase, TEST_DATABASE_URL } from '../support/test-database.js';
import { SignalRUser, startSignalRServer } from '../support/signalr-client.js';
import { eventually } from '../support/test-app.js';

describe('SignalR fan-out', () => {
  it("one push reaches all of a user's connections (WebSockets, SSE and long polling together)", async () => {
    await using server = await startSignalRServer();
    const [aliceToken, bobToken] = await Promise.all([server.token(7, 'Alice'), server.token(9, 'Bob')]);
    await using ws = await SignalRUser.start(server.url, bobToken, { transport: 'WebSockets' });
    await using sse = await SignalRUser.start(server.url, bobToken, { transport: 'ServerSentEvents' });
    await using lp = await SignalRUser.start(server.url, bobToken, { transport: 'LongPolling' });
    await using alice = await SignalRUser.start(server.url, aliceToken);
    await using aliceLp = await SignalRUser.start(server.url, aliceToken, { transport: 'LongPolling' });
    const sent = await alice.invoke('SendMessage', { tempId: 'f1', receiverId: 9, messageType: 1, content: 'to all' });
    for (const bob of [ws, sse, lp]) expect((await bob.next('ReceiveMessage')).id).toBe(sent.id);
    // the caller's other connection gets ReceiveMessage; the calling one MessageSent only
    expect((await aliceLp.next('ReceiveMessage')).tempId).toBe('f1');
    await alice.next('MessageSent');
    expect(alice.of('ReceiveMessage')).toHaveLength(0);
    expect(aliceLp.of('MessageSent')).toHaveLength(0);
  });
});

describe.skipIf(!TEST_DATABASE_URL)('two server instances sharing a database (PARLEY_TEST_DATABASE_URL)', () => {
  it('negotiates on one node and connects the transport on the other (stateless connection token)', async () => {
    await using database = await createTestDatabase();
    const env = { DATABASE_URL: database.url, JWT_SECRET: 'a-shared-secret-for-both-nodes', PARLEY_DEV_AUTH: 'true' };
    await using first = await startSignalRServer(env);
    await using second = await startSignalRServer(env);
    const [aliceToken] = await Promise.all([first.token(7, 'Alice'), first.token(9, 'Bob')]);
    for (const transport of ['WebSockets', 'ServerSentEvents', 'LongPolling'] as const) {
      const logs: string[] = [];
      await using alice = await SignalRUser.start(first.url, aliceToken, { transport, url: second.url, logs });
      expect(second.app.registry.sessionsOf(7).size).toBe(1);
      expect(first.app.registry.sessionsOf(7).size).toBe(0);
      const sent = await alice.invoke('SendMessage', { tempId: `two-${transport}`, receiverId: 9, messageType: 1, content: transport });
      expect(sent.content).toBe(transport);
      await alice.connection.stop();
      await eventually(() => second.app.registry.sessionsOf(7).size === 0, 'closed');
    }
    // and the token really moved between nodes: negotiate here, transport there
    const negotiated = await (await fetch(`${first.url}/hubs/chat/negotiate?negotiateVersion=1`, { method: 'POST', headers: { authorization: `Bearer ${aliceToken}` } })).json();
    const poll = await fetch(`${second.url}/hubs/chat?id=${negotiated.connectionToken}`, { headers: { authorization: `Bearer ${aliceToken}` } });
    expect(poll.status).toBe(200);
  });
});

if (!TEST_DATABASE_URL) {
  console.warn('\n!!! signalr-fanout: the two-node test is SKIPPED: set PARLEY_TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test to run it.\n');
}
