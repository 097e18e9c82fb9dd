/**
 * Presence respects blocks and PARLEY_PRESENCE_SCOPE: neither user of a blocked pair (either
 * direction) sees the other's presence, by lookup or by push (STOMP /user/queue/presence,
 * SignalR UserOnline/UserOffline); with `mutual`, a stranger who sent one message learns
 * nothing until the other side has written back.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SignalRUser } from '../support/signalr-client.js';
import { StompUser } from '../support/stomp-client.js';
import { startTestServer, type TestServer } from '../support/test-app.js';

async function say(server: TestServer, from: string, to: number, text: string): Promise<void> {
  const sent = await server.api(from, 'POST', '/messages', { receiverId: to, messageType: 'TEXT', content: text, clientMsgId: `${to}-${text}` });
  expect(sent.status).toBe(201);
}

async function presenceOf(server: TestServer, viewer: string, userId: number): Promise<{ online: boolean; lastSeenAt: string | null }> {
  const response = await server.api(viewer, 'GET', `/users/presence?ids=${userId}`);
  expect(response.status).toBe(200);
  return response.body.items[0];
}

async function stompPresence(server: TestServer, token: string): Promise<StompUser> {
  const user = await new StompUser(server.url, { token }).connect();
  await user.subscribe('/user/queue/presence');
  return user;
}

describe('presence and blocks', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server?.[Symbol.asyncDispose]();
  });

  it('hides presence both ways between a blocked pair, by lookup and by push, while others still see it', async () => {
    const [alice, bob, carol, dave] = [await server.token(31, 'Alice'), await server.token(32, 'Bob'), await server.token(33, 'Carol'), await server.token(34, 'Dave')];
    for (const [token, id] of [[alice, 31], [carol, 33], [dave, 34]] as const) {
      await say(server, token, 32, 'hi');
      await say(server, bob, id, 'hello');
    }
    expect((await server.api(bob, 'PUT', '/blocks/31')).status).toBeLessThan(300); // Bob blocks Alice
    expect((await server.api(dave, 'PUT', '/blocks/32')).status).toBeLessThan(300); // Dave blocks Bob

    await using aliceStomp = await stompPresence(server, alice);
    await using carolStomp = await stompPresence(server, carol);
    await using daveHub = await SignalRUser.start(server.url, dave);

    // Bob comes online on SignalR and goes again.
    const bobHub = await SignalRUser.start(server.url, bob);
    await carolStomp.next('/user/queue/presence', (p) => p.userId === 32 && p.online === true);
    expect(await presenceOf(server, carol, 32)).toMatchObject({ online: true });
    for (const viewer of [alice, dave]) expect(await presenceOf(server, viewer, 32)).toEqual({ userId: 32, online: false, lastSeenAt: null });
    // and Bob, the blocker or the blocked, does not see them either.
    expect(await presenceOf(server, bob, 31)).toEqual({ userId: 31, online: false, lastSeenAt: null });
    expect(await presenceOf(server, bob, 34)).toEqual({ userId: 34, online: false, lastSeenAt: null });
    expect(await presenceOf(server, bob, 33)).toMatchObject({ userId: 33, online: true });
    expect(bobHub.of('UserOnline').map((e) => e.userId)).not.toContain(31);

    await bobHub[Symbol.asyncDispose]();
    await carolStomp.next('/user/queue/presence', (p) => p.userId === 32 && p.online === false);
    expect(await presenceOf(server, carol, 32)).toMatchObject({ online: false, lastSeenAt: expect.any(String) });
    expect(await presenceOf(server, alice, 32)).toEqual({ userId: 32, online: false, lastSeenAt: null });

    // Pushes of one transition leave together; Carol got both, the blocked pair got none.
    expect(aliceStomp.bodies('/user/queue/presence').filter((p) => p.userId === 32)).toEqual([]);
    expect([...daveHub.of('UserOnline'), ...daveHub.of('UserOffline')].filter((e) => e.userId === 32)).toEqual([]);
  });
});

describe('PARLEY_PRESENCE_SCOPE=mutual', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ PARLEY_PRESENCE_SCOPE: 'mutual' });
  });
  afterAll(async () => {
    await server?.[Symbol.asyncDispose]();
  });

  it('shows nothing to a stranger who wrote once, and everything once both have written', async () => {
    const [stranger, victim] = [await server.token(41, 'Stranger'), await server.token(42, 'Victim')];
    await say(server, stranger, 42, 'are you there?');
    await using strangerStomp = await stompPresence(server, stranger);
    await using victimStomp = await stompPresence(server, victim);
    expect(await presenceOf(server, stranger, 42)).toEqual({ userId: 42, online: false, lastSeenAt: null });
    expect(await presenceOf(server, victim, 41)).toEqual({ userId: 41, online: false, lastSeenAt: null });

    await say(server, victim, 41, 'yes');
    expect(await presenceOf(server, stranger, 42)).toMatchObject({ online: true });
    expect(await presenceOf(server, victim, 41)).toMatchObject({ online: true });

    // Pushes follow the same rule: a new connection of the victim's is now announced.
    await using victimHub = await SignalRUser.start(server.url, victim);
    await victimStomp[Symbol.asyncDispose]();
    await victimHub[Symbol.asyncDispose]();
    await strangerStomp.next('/user/queue/presence', (p) => p.userId === 42 && p.online === false);
    // Before the reply no transition had been sent to the stranger.
    expect(strangerStomp.bodies('/user/queue/presence').filter((p) => p.userId === 42 && p.online === true)).toEqual([]);
  });
});
