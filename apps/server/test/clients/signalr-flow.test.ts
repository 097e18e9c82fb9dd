import { describe, expect, it } from 'vitest';
import { SignalRUser, startSignalRServer, type TransportName } from '../support/signalr-client.js';
import { eventually } from '../support/test-app.js';

const ADMIN = 'admin-token-for-signalr-tests';
const TRANSPORTS: TransportName[] = ['WebSockets', 'ServerSentEvents', 'LongPolling'];

describe.each(TRANSPORTS)('ChatHub flow with @microsoft/signalr over %s', (transport) => {
  it('sends with tempId, reads, types, exchanges, recalls and sees presence', async () => {
    await using server = await startSignalRServer({ PARLEY_ADMIN_TOKEN: ADMIN });
    const [aliceToken, bobToken] = await Promise.all([server.token(7, 'Alice'), server.token(9, 'Bob')]);
    const profile = (id: number, body: object) => server.api(ADMIN, 'PUT', `/admin/users/${id}`, body);
    await using alice = await SignalRUser.start(server.url, aliceToken, { transport });
    let bob = await SignalRUser.start(server.url, bobToken, { transport });
    try {
      // send → completion + MessageSent to the caller + ReceiveMessage to the receiver
      const sent = await alice.invoke('SendMessage', { tempId: 't-1', receiverId: 9, messageType: 1, content: '你好 👋' });
      expect(sent).toMatchObject({ senderId: 7, receiverId: 9, messageType: 1, content: '你好 👋', status: 1, isRead: false, tempId: 't-1', seq: 1, voiceUrl: null, extraData: null });
      expect(typeof sent.createTime).toBe('string');
      const ack = await alice.next('MessageSent', (m) => m.tempId === 't-1');
      expect(ack).toMatchObject({ tempId: 't-1', messageId: sent.id, sessionId: sent.sessionId, seq: 1, createTime: sent.createTime });
      expect(ack.userSeq).toBeGreaterThan(0);
      const received = await bob.next('ReceiveMessage', (m) => m.id === sent.id);
      expect(received).toMatchObject({ id: sent.id, sessionId: sent.sessionId, content: '你好 👋', messageType: 1 });
      expect(received.userSeq).toBeGreaterThan(0);
      expect(alice.of('ReceiveMessage')).toHaveLength(0);

      // a numeric tempId comes back as a number: ChatHub clients match it with ===
      const numeric = await alice.invoke('SendMessage', { tempId: 1700000000001, receiverId: 9, messageType: 9, content: 'smile' });
      expect(numeric.tempId).toBe(1700000000001);
      await alice.next('MessageSent', (m) => m.tempId === 1700000000001);

      // MarkAsRead → MessagesRead to the peer
      const read = await bob.invoke('MarkAsRead', sent.sessionId);
      expect(read).toMatchObject({ sessionId: sent.sessionId, readUpToSeq: 2, unreadCount: 0 });
      expect(await alice.next('MessagesRead')).toMatchObject({ sessionId: sent.sessionId, readerId: 9, readUpToSeq: 2 });

      // typing
      await alice.invoke('Typing', 9, true);
      expect(await bob.next('UserTyping', (t) => t.isTyping)).toEqual({ sessionId: sent.sessionId, userId: 7, isTyping: true });

      // exchange WeChat: incomplete profile, requester may not answer, receiver accepts once
      await expect(alice.invoke('ExchangeWeChat', 9)).rejects.toThrow(/^PROFILE_INCOMPLETE: /);
      expect((await profile(7, { wechatId: 'alice_wx', photoUrls: ['https://img/alice.jpg'] })).status).toBe(200);
      const request = await alice.invoke('ExchangeWeChat', 9);
      expect(request).toMatchObject({ messageType: 4, senderId: 7, receiverId: 9, content: '' });
      expect(JSON.parse(request.extraData)).toEqual({ exchangeStatus: 'PENDING' });
      await bob.next('ReceiveMessage', (m) => m.id === request.id);
      await expect(alice.invoke('RespondExchange', request.id, true)).rejects.toThrow(/^FORBIDDEN: /);
      await expect(bob.invoke('RespondExchange', request.id, true)).rejects.toThrow(/^PROFILE_INCOMPLETE: /);
      await profile(9, { wechatId: 'bob_wx', photoUrls: ['https://img/bob.jpg'] });
      const answer = await bob.invoke('RespondExchange', request.id, true);
      expect(answer).toMatchObject({ messageId: request.id, requesterId: 7, responderId: 9, kind: 'WECHAT', accepted: true, exchangedData: { userId: 7, wechatId: 'alice_wx' } });
      const responded = await alice.next('ExchangeResponded', (r) => r.messageId === request.id);
      expect(responded).toMatchObject({ accepted: true, exchangedData: { userId: 9, wechatId: 'bob_wx' } });
      expect(responded.userSeq).toBeGreaterThan(0);
      await alice.next('ReceiveMessage', (m) => m.messageType === 5);
      await expect(bob.invoke('RespondExchange', request.id, false)).rejects.toThrow(/^EXCHANGE_NOT_PENDING: /);

      // exchange photos: refused
      const photos = await alice.invoke('ExchangePhoto', 9);
      expect(photos.messageType).toBe(6);
      const refused = await bob.invoke('RespondExchange', photos.id, false);
      expect(refused).toMatchObject({ kind: 'PHOTO', accepted: false, exchangedData: null });
      expect(await alice.next('ExchangeResponded', (r) => r.messageId === photos.id)).toMatchObject({ accepted: false, exchangedData: null });

      // recall
      const recalled = await alice.invoke('RecallMessage', sent.id);
      expect(recalled).toMatchObject({ id: sent.id, status: 2, content: '' });
      expect(await bob.next('MessageRecalled')).toMatchObject({ sessionId: sent.sessionId, messageId: sent.id, seq: 1 });

      // presence: Bob leaves and comes back
      await bob.connection.stop();
      const offline = await alice.next('UserOffline', (p) => p.userId === 9);
      expect(typeof offline.lastSeenAt).toBe('string');
      bob = await SignalRUser.start(server.url, bobToken, { transport });
      expect(await alice.next('UserOnline', (p) => p.userId === 9)).toEqual({ userId: 9 });
    } finally {
      await bob[Symbol.asyncDispose]();
    }
  });

  it('answers a failed invoke with the error code and keeps the connection', async () => {
    await using server = await startSignalRServer();
    const token = await server.token(7);
    await using alice = await SignalRUser.start(server.url, token, { transport });
    await expect(alice.invoke('SendMessage', { tempId: 'x', receiverId: 7, messageType: 1, content: 'me' })).rejects.toThrow(/^SELF_CHAT: /);
    await expect(alice.invoke('SendMessage', { tempId: 'x', receiverId: 424242, messageType: 1, content: 'hi' })).rejects.toThrow(/^USER_NOT_FOUND: /);
    await expect(alice.invoke('SendMessage', { tempId: 'x', receiverId: 9, messageType: 4, content: '' })).rejects.toThrow(/^VALIDATION_FAILED: /);
    await expect(alice.invoke('NoSuchMethod')).rejects.toThrow(/^NOT_FOUND: Unknown hub method 'NoSuchMethod'/);
    await alice.connection.send('NoSuchMethod', 1);
    await expect(alice.invoke('Typing', 9)).rejects.toThrow(/^VALIDATION_FAILED: Typing takes 2 arguments/);
    expect(alice.connection.state).toBe('Connected');
    await eventually(() => server.app.registry.sessionsOf(7).size === 1, 'one registered connection');
  });
});
