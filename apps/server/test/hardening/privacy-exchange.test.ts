/**
 * An exchange never reveals one side only: when the requester's own WeChat id (or photos) is
 * gone by the time the receiver accepts, the accept fails with PROFILE_INCOMPLETE naming the
 * requester, nothing is revealed or pushed to anyone, and the request stays pending — it can be
 * accepted once the requester fills their profile again.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SignalRUser } from '../support/signalr-client.js';
import { StompUser } from '../support/stomp-client.js';
import { startTestServer, type TestServer } from '../support/test-app.js';

describe('exchange with a requester whose data is gone', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server?.[Symbol.asyncDispose]();
  });

  it('REST and STOMP: accept fails with PROFILE_INCOMPLETE, nothing leaks, the request stays pending', async () => {
    const [alice, bob] = [await server.token(11, 'Alice'), await server.token(12, 'Bob')];
    expect((await server.api(alice, 'PUT', '/users/me', { wechatId: 'wx-alice' })).status).toBe(200);
    expect((await server.api(bob, 'PUT', '/users/me', { wechatId: 'wx-bob' })).status).toBe(200);
    await using aliceStomp = await new StompUser(server.url, { token: alice }).connect();
    await aliceStomp.subscribe('/user/queue/exchange', '/user/queue/messages');
    const request = await server.api(alice, 'POST', '/messages/exchange', { receiverId: 12, kind: 'WECHAT' });
    expect(request.status).toBe(201);
    expect((await server.api(alice, 'PUT', '/users/me', { wechatId: null })).status).toBe(200);

    const accept = await server.api(bob, 'POST', `/messages/exchange/${request.body.id}/respond`, { accept: true });
    expect(accept.status).toBe(409);
    expect(accept.body.error.code).toBe('PROFILE_INCOMPLETE');
    expect(accept.body.error.message).toMatch(/requester \(user 11\)/);

    const history = (await server.api(bob, 'GET', '/messages/history/11')).body.items;
    expect(history).toHaveLength(1);
    expect(history[0].extra).toEqual({ exchangeStatus: 'PENDING' });
    expect(JSON.stringify(history)).not.toContain('wx-bob');
    const aliceSync = (await server.api(alice, 'GET', '/sync?since=0')).body;
    expect(JSON.stringify(aliceSync)).not.toContain('wx-bob');
    // Alice's own request came back on her queue; no answer and no result message followed it.
    await aliceStomp.next('/user/queue/messages', (m) => m.id === request.body.id);
    expect(aliceStomp.messages('/user/queue/exchange')).toEqual([]);

    // Once the requester's data is back, the same request is accepted and both sides see the other's.
    expect((await server.api(alice, 'PUT', '/users/me', { wechatId: 'wx-alice-2' })).status).toBe(200);
    const second = await server.api(bob, 'POST', `/messages/exchange/${request.body.id}/respond`, { accept: true });
    expect(second.status).toBe(200);
    expect(second.body.extra.exchangedData).toEqual({ userId: 11, wechatId: 'wx-alice-2' });
    const pushed = await aliceStomp.next('/user/queue/exchange');
    expect(pushed.body.exchangedData).toEqual({ userId: 12, wechatId: 'wx-bob' });
  });

  it('SignalR: RespondExchange is refused with PROFILE_INCOMPLETE and the requester hears nothing', async () => {
    const [alice, bob] = [await server.token(21, 'Alice'), await server.token(22, 'Bob')];
    await server.api(alice, 'PUT', '/users/me', { photoUrls: [] });
    await server.api(bob, 'PUT', '/users/me', { wechatId: 'wx-bob' });
    await server.api(alice, 'PUT', '/users/me', { wechatId: 'wx-alice' });
    await using aliceHub = await SignalRUser.start(server.url, alice);
    await using bobHub = await SignalRUser.start(server.url, bob);
    const request = await aliceHub.invoke('ExchangeWeChat', 22);
    await server.api(alice, 'PUT', '/users/me', { wechatId: null });
    await expect(bobHub.invoke('RespondExchange', request.id, true)).rejects.toThrow(/PROFILE_INCOMPLETE/);
    // A rejection still works and reveals nothing either.
    const refused = await bobHub.invoke('RespondExchange', request.id, false);
    expect(refused).toMatchObject({ accepted: false, exchangedData: null });
    expect(await aliceHub.next('ExchangeResponded', (r) => r.messageId === request.id)).toMatchObject({ accepted: false, exchangedData: null });
  });
});
