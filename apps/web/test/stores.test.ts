import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it } from 'vitest';
import { installChatClient } from '../src/chat-client.js';
import { useConversationsStore } from '../src/stores/conversations.js';
import { useMessagesStore } from '../src/stores/messages.js';
import { useSessionStore } from '../src/stores/session.js';
import { useSettingsStore } from '../src/stores/settings.js';
import { asChatClient, conversation, FakeChatClient, message } from './fake-chat-client.js';

const ME = 7;
let fake: FakeChatClient;

async function signedIn(): Promise<void> {
  await useSessionStore().start(asChatClient(fake), { userId: ME, name: 'Me' });
}
const flush = () => new Promise((r) => setTimeout(r, 0));

beforeEach(() => {
  // The open chat and drafts are remembered per tab and browser; each test starts as a fresh one.
  sessionStorage.clear();
  localStorage.clear();
  setActivePinia(createPinia());
  fake = new FakeChatClient(ME);
  installChatClient(asChatClient(fake));
});

describe('conversations store', () => {
  it('sorts by last activity and sums unread counts', async () => {
    fake.conversationPage = {
      items: [
        conversation(9, { lastMessageTime: '2026-01-01T00:00:01.000Z', unreadCount: 2, lastSeq: 2 }),
        conversation(8, { lastMessageTime: '2026-01-01T00:00:05.000Z', unreadCount: 1, lastSeq: 1 }),
      ],
      userSeq: 3,
      nextBefore: null,
      unreadTotal: 3,
    };
    await signedIn();
    const conversations = useConversationsStore();
    expect(conversations.sorted.map((c) => c.peerId)).toEqual([8, 9]);
    expect(conversations.totalUnread).toBe(3);
  });

  it('an incoming message raises unread and moves the conversation to the top; my own does not', async () => {
    fake.conversationPage = { items: [conversation(9), conversation(8, { lastMessageTime: '2026-01-02T00:00:00.000Z' })], userSeq: 0, nextBefore: null, unreadTotal: 0 };
    await signedIn();
    const conversations = useConversationsStore();
    fake.emit('message', message({ id: 1, conversationId: 90, seq: 1, senderId: 9, receiverId: ME, createdAt: '2026-02-01T00:00:00.000Z' }), { source: 'push', userSeq: 1 });
    expect(conversations.sorted[0]?.peerId).toBe(9);
    expect(conversations.byPeer[9]?.unreadCount).toBe(1);
    fake.emit('message', message({ id: 2, conversationId: 90, seq: 2, senderId: ME, receiverId: 9 }), { source: 'push', userSeq: 2 });
    expect(conversations.byPeer[9]?.unreadCount).toBe(1);
    expect(conversations.byPeer[9]?.lastMessage?.id).toBe(2);
  });

  it('a message for the open conversation is marked read at once', async () => {
    fake.conversationPage = { items: [conversation(9)], userSeq: 0, nextBefore: null, unreadTotal: 0 };
    await signedIn();
    const conversations = useConversationsStore();
    conversations.open(9);
    fake.emit('message', message({ id: 1, conversationId: 90, seq: 1, senderId: 9, receiverId: ME }), { source: 'push', userSeq: 1 });
    await flush();
    expect(fake.callsOf('markRead')).toEqual([[90, undefined]]);
    expect(conversations.byPeer[9]?.unreadCount).toBe(0);
  });

  it('applies read receipts, presence, typing (expiring) and blocks', async () => {
    fake.conversationPage = { items: [conversation(9, { lastSeq: 4, unreadCount: 4 })], userSeq: 0, nextBefore: null, unreadTotal: 0 };
    await signedIn();
    const conversations = useConversationsStore();
    fake.emit('read', { conversationId: 90, readerId: 9, readUpToSeq: 3 }, { source: 'push', userSeq: 1 });
    expect(conversations.byPeer[9]?.peerReadUpToSeq).toBe(3);
    fake.emit('read', { conversationId: 90, readerId: ME, readUpToSeq: 4 }, { source: 'push', userSeq: 2 });
    expect(conversations.byPeer[9]?.unreadCount).toBe(0);
    fake.emit('presence', { userId: 9, online: true, lastSeenAt: null });
    expect(conversations.byPeer[9]?.online).toBe(true);
    fake.emit('typing', { conversationId: 90, userId: 9, typing: true });
    expect(conversations.byPeer[9]?.typing).toBe(true);
    fake.emit('typing', { conversationId: 90, userId: 9, typing: false });
    expect(conversations.byPeer[9]?.typing).toBe(false);
    await conversations.block(9);
    expect(conversations.blocked).toEqual([9]);
    await conversations.unblock(9);
    expect(conversations.blocked).toEqual([]);
  });

  it('a message from a peer without a profile reloads the list for the name, keeping newer local state', async () => {
    await signedIn();
    const conversations = useConversationsStore();
    fake.conversationPage = { items: [conversation(9, { peer: { id: 9, name: 'Bob', avatarUrl: null, online: true, lastSeenAt: null }, lastSeq: 0 })], userSeq: 1, nextBefore: null, unreadTotal: 0 };
    fake.emit('message', message({ id: 1, conversationId: 90, seq: 1, senderId: 9, receiverId: ME }), { source: 'push', userSeq: 1 });
    expect(conversations.byPeer[9]?.peerName).toBeNull();
    await new Promise((r) => setTimeout(r, 400));
    expect(conversations.byPeer[9]).toMatchObject({ peerName: 'Bob', online: true, lastSeq: 1, unreadCount: 1 });
  });

  it('opening a new peer creates an empty row', async () => {
    await signedIn();
    const conversations = useConversationsStore();
    conversations.open(42);
    expect(conversations.active).toMatchObject({ peerId: 42, id: null, unreadCount: 0 });
  });
});

describe('messages store', () => {
  it('loads the latest page, then older pages, keeping seq order without duplicates', async () => {
    fake.histories.set(9, Array.from({ length: 70 }, (_, i) => message({ id: i + 1, seq: i + 1, senderId: i % 2 ? ME : 9, receiverId: i % 2 ? 9 : ME })));
    await signedIn();
    const messages = useMessagesStore();
    await messages.loadLatest(9);
    expect(messages.threads[9]?.items.map((m) => m.seq)).toEqual(Array.from({ length: 30 }, (_, i) => 41 + i));
    await messages.loadOlder(9);
    await messages.loadOlder(9);
    expect(messages.threads[9]?.items).toHaveLength(70);
    expect(messages.threads[9]?.hasMore).toBe(false);
    fake.emit('message', message({ id: 70, seq: 70, senderId: 9, receiverId: ME }), { source: 'push', userSeq: 9 });
    expect(messages.threads[9]?.items).toHaveLength(70);
  });

  it('fills a hole when a pushed message is not the next seq', async () => {
    const all = Array.from({ length: 5 }, (_, i) => message({ id: i + 1, seq: i + 1, senderId: 9, receiverId: ME }));
    fake.histories.set(9, all.slice(0, 2));
    await signedIn();
    const messages = useMessagesStore();
    await messages.loadLatest(9);
    fake.histories.set(9, all);
    fake.emit('message', all[4]!, { source: 'push', userSeq: 5 });
    await flush();
    expect(messages.threads[9]?.items.map((m) => m.seq)).toEqual([1, 2, 3, 4, 5]);
  });

  it('shows a pending bubble that becomes the stored message when sent, and a failed one with retry', async () => {
    await signedIn();
    const messages = useMessagesStore();
    await messages.loadLatest(9);
    expect(await messages.sendText(9, 'hello')).toBe(true);
    expect(fake.callsOf('send')[0]).toEqual([{ receiverId: 9, messageType: 'TEXT', content: 'hello' }]);
    const [entry] = messages.timeline(9);
    expect(entry?.kind).toBe('pending');
    const item = (entry as { item: import('@parley/sdk').OutboxItem }).item;
    const stored = message({ id: 5, seq: 1, senderId: ME, receiverId: 9, content: 'hello', clientMsgId: item.clientMsgId });
    fake.emit('outbox', { ...item, state: 'sent', message: stored });
    expect(messages.timeline(9).map((e) => e.kind)).toEqual(['message']);
    expect(useConversationsStore().byPeer[9]?.lastMessage?.id).toBe(5);

    await messages.sendText(9, 'blocked one');
    const failed = messages.timeline(9).at(-1) as { item: import('@parley/sdk').OutboxItem };
    fake.emit('outbox', { ...failed.item, state: 'failed', error: { code: 'BLOCKED', message: 'blocked' } });
    expect((messages.timeline(9).at(-1) as { item: { state: string } }).item.state).toBe('failed');
    messages.retry(failed.item.clientMsgId);
    expect(fake.callsOf('retry')).toEqual([[failed.item.clientMsgId]]);
    messages.discard(failed.item.clientMsgId);
    expect(messages.timeline(9).map((e) => e.kind)).toEqual(['message']);
  });

  it('does not send empty text; typing stops after a send', async () => {
    await signedIn();
    const messages = useMessagesStore();
    expect(await messages.sendText(9, '   ')).toBe(false);
    await messages.sendText(9, 'x');
    expect(fake.callsOf('setTyping')).toEqual([[9, false]]);
  });

  it('uploads an image with progress, then sends an IMAGE message with its size', async () => {
    await signedIn();
    const messages = useMessagesStore();
    await messages.sendImage(9, new Blob([new Uint8Array(100)], { type: 'image/png' }));
    expect(fake.callsOf('send')[0]?.[0]).toMatchObject({ receiverId: 9, messageType: 'IMAGE', content: '/media/abc.png', extra: { width: 10, height: 20, size: 100, mime: 'image/png' } });
    expect(Object.keys(messages.uploads)).toEqual([]);
  });

  it('recall and exchange answers update the loaded messages', async () => {
    fake.histories.set(9, [
      message({ id: 1, seq: 1, senderId: ME, receiverId: 9 }),
      message({ id: 2, seq: 2, senderId: 9, receiverId: ME, messageType: 'EXCHANGE_WECHAT_REQUEST', content: '', extra: { exchangeStatus: 'PENDING' } }),
    ]);
    await signedIn();
    const messages = useMessagesStore();
    await messages.loadLatest(9);
    fake.emit('recall', { conversationId: 1, messageId: 1, seq: 1 }, { source: 'push', userSeq: 3 });
    expect(messages.findMessage(1)).toMatchObject({ status: 'RECALLED', content: '' });
    fake.emit('exchange', { messageId: 2, requesterId: 9, responderId: ME, kind: 'WECHAT', accepted: true, exchangedData: { userId: 9, wechatId: 'bob_wx' } }, { source: 'push', userSeq: 4 });
    expect(messages.findMessage(2)?.extra).toMatchObject({ exchangeStatus: 'ACCEPTED' });
    expect(messages.exchanges[2]?.exchangedData?.wechatId).toBe('bob_wx');
  });

  it('reports errors of actions for the UI', async () => {
    await signedIn();
    const messages = useMessagesStore();
    fake.requestExchange = async () => {
      throw Object.assign(new Error('add a WeChat id'), { code: 'PROFILE_INCOMPLETE' });
    };
    await messages.requestExchange(9, 'WECHAT');
    expect(messages.lastError).toEqual({ code: 'PROFILE_INCOMPLETE', message: 'add a WeChat id' });
  });
});

describe('session and settings stores', () => {
  it('tracks the connection state', async () => {
    await signedIn();
    const session = useSessionStore();
    fake.emit('state', 'reconnecting', 'connected');
    expect(session.connection).toBe('reconnecting');
    fake.emit('state', 'connected', 'reconnecting');
    expect(session.connection).toBe('connected');
  });

  it('signing out clears everything', async () => {
    fake.conversationPage = { items: [conversation(9)], userSeq: 0, nextBefore: null, unreadTotal: 0 };
    await signedIn();
    await useSessionStore().signOut();
    expect(useSessionStore().user).toBeNull();
    expect(useConversationsStore().sorted).toEqual([]);
  });

  it('switches language', () => {
    const settings = useSettingsStore();
    settings.setLocale('zh-CN');
    expect(settings.t('send')).toBe('发送');
    settings.setLocale('en');
    expect(settings.t('unreadCount', { n: 3 })).toBe('3 unread');
  });
});
