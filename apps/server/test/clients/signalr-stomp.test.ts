import { describe, expect, it } from 'vitest';
import { SignalRUser, startSignalRServer } from '../support/signalr-client.js';
import { StompUser } from '../support/stomp-client.js';

describe('cross-door: a SignalR user and a STOMP user in one conversation', () => {
  it('exchange messages, read receipts and typing', async () => {
    await using server = await startSignalRServer();
    const [aliceToken, bobToken] = await Promise.all([server.token(7, 'Alice'), server.token(9, 'Bob')]);
    await using alice = await SignalRUser.start(server.url, aliceToken);
    await using bob = await new StompUser(server.url, { token: bobToken }).connect();
    await bob.subscribe('/user/queue/messages', '/user/queue/read', '/user/queue/typing');

    // SignalR → STOMP
    const sent = await alice.invoke('SendMessage', { tempId: 'x1', receiverId: 9, messageType: 1, content: 'from SignalR' });
    const atBob = await bob.next('/user/queue/messages', (m: any) => m.id === sent.id);
    expect(atBob.body).toMatchObject({ conversationId: sent.sessionId, messageType: 'TEXT', content: 'from SignalR', clientMsgId: 'x1', senderId: 7 });
    expect(Number(atBob.message.headers['user-seq'])).toBeGreaterThan(0);

    // STOMP → SignalR
    await bob.publish('/app/chat.send', { receiverId: 7, messageType: 'TEXT', content: 'from STOMP', clientMsgId: 'y1' });
    const atAlice = await alice.next('ReceiveMessage', (m) => m.tempId === 'y1');
    expect(atAlice).toMatchObject({ sessionId: sent.sessionId, messageType: 1, content: 'from STOMP', senderId: 9, seq: 2, status: 1 });

    // reads both ways
    await alice.invoke('MarkAsRead', sent.sessionId);
    expect((await bob.next('/user/queue/read')).body).toMatchObject({ conversationId: sent.sessionId, readerId: 7, readUpToSeq: 2 });
    await bob.publish('/app/chat.read', { conversationId: sent.sessionId });
    expect(await alice.next('MessagesRead', (r) => r.readerId === 9)).toMatchObject({ sessionId: sent.sessionId, readUpToSeq: 2 });

    // typing both ways
    await alice.invoke('Typing', 9, true);
    expect((await bob.next('/user/queue/typing')).body).toEqual({ conversationId: sent.sessionId, userId: 7, typing: true });
    await bob.publish('/app/chat.typing', { receiverId: 7, typing: true });
    expect(await alice.next('UserTyping')).toEqual({ sessionId: sent.sessionId, userId: 9, isTyping: true });
  });
});
