import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it } from 'vitest';
import { installChatClient } from '../src/chat-client.js';
import { highlightParts, previewOf, snippetAround } from '../src/format.js';
import { translate } from '../src/i18n.js';
import { useConversationsStore } from '../src/stores/conversations.js';
import { useMessagesStore } from '../src/stores/messages.js';
import { useSessionStore } from '../src/stores/session.js';
import { asChatClient, conversation, FakeChatClient, message } from './fake-chat-client.js';

const ME = 7;
const meta = { source: 'push' as const, userSeq: null };
let fake: FakeChatClient;

async function signedIn(): Promise<void> {
  await useSessionStore().start(asChatClient(fake), { userId: ME, name: 'Me' });
}

beforeEach(() => {
  sessionStorage.clear();
  localStorage.clear();
  setActivePinia(createPinia());
  fake = new FakeChatClient(ME);
  installChatClient(asChatClient(fake));
});

describe('conversation list with pins, archive, clear and unmatch', () => {
  it('puts pinned conversations first and leaves archived ones out of the main list', async () => {
    fake.conversationPage = {
      items: [
        conversation(9, { lastMessageTime: '2026-03-01T00:00:00.000Z' }),
        conversation(8, { lastMessageTime: '2026-01-01T00:00:00.000Z', pinned: true }),
        conversation(6, { lastMessageTime: '2026-04-01T00:00:00.000Z' }),
      ],
      userSeq: 0,
      nextBefore: null,
      unreadTotal: 4,
    };
    await signedIn();
    const conversations = useConversationsStore();
    expect(conversations.sorted.map((c) => c.peerId)).toEqual([8, 6, 9]);
    // Unread in conversations not listed (archived ones) still counts in the total.
    expect(conversations.totalUnread).toBe(4);

    fake.emit('conversation', { conversationId: 60, pinned: false, muted: false, archived: true }, meta);
    expect(conversations.sorted.map((c) => c.peerId)).toEqual([8, 9]);
    expect(conversations.archived.map((c) => c.peerId)).toEqual([6]);

    // A new message brings an archived, unmuted conversation back.
    fake.emit('message', message({ id: 1, conversationId: 60, seq: 1, senderId: 6, receiverId: ME }), meta);
    expect(conversations.archived).toEqual([]);
    expect(conversations.sorted.map((c) => c.peerId)).toContain(6);
  });

  it('a clear empties the thread and hides the row until a newer message; an unmatch removes both', async () => {
    fake.conversationPage = { items: [conversation(9, { lastSeq: 3, unreadCount: 2 })], userSeq: 0, nextBefore: null, unreadTotal: 2 };
    fake.histories.set(9, [1, 2, 3].map((seq) => message({ id: seq, conversationId: 90, seq, senderId: 9, receiverId: ME })));
    await signedIn();
    const conversations = useConversationsStore();
    const messages = useMessagesStore();
    await messages.loadLatest(9);

    fake.emit('conversation', { conversationId: 90, clearedUpToSeq: 3 }, meta);
    expect(messages.threads[9]?.items).toEqual([]);
    expect(conversations.sorted).toEqual([]);
    expect(conversations.totalUnread).toBe(0);

    fake.emit('message', message({ id: 4, conversationId: 90, seq: 4, senderId: 9, receiverId: ME }), meta);
    expect(conversations.sorted.map((c) => c.peerId)).toEqual([9]);

    conversations.open(9);
    fake.emit('conversation', { conversationId: 90, state: 'UNMATCHED' }, meta);
    expect(conversations.byPeer[9]).toBeUndefined();
    expect(conversations.activePeerId).toBeNull();
    expect(messages.threads[9]).toBeUndefined();
  });

  it('pins and unmatches through the client', async () => {
    fake.conversationPage = { items: [conversation(9)], userSeq: 0, nextBefore: null, unreadTotal: 0 };
    await signedIn();
    const conversations = useConversationsStore();
    await conversations.updateFlags(9, { pinned: true });
    expect(fake.callsOf('updateConversation')).toEqual([[90, { pinned: true }]]);
    expect(conversations.byPeer[9]?.pinned).toBe(true);
    await conversations.unmatch(9);
    expect(fake.callsOf('unmatch')).toEqual([[90]]);
    expect(conversations.byPeer[9]).toBeUndefined();
  });

  it('turning read receipts off saves the setting and reloads the list for the new read marks', async () => {
    fake.conversationPage = { items: [conversation(9, { peerReadUpToSeq: 4 })], userSeq: 0, nextBefore: null, unreadTotal: 0 };
    await signedIn();
    const session = useSessionStore();
    expect(session.readReceipts).toBe(true);
    fake.conversationPage = { items: [conversation(9, { peerReadUpToSeq: null })], userSeq: 0, nextBefore: null, unreadTotal: 0 };
    await session.setReadReceipts(false);
    expect(fake.callsOf('updateSettings')).toEqual([[{ readReceipts: false }]]);
    expect(session.readReceipts).toBe(false);
    expect(useConversationsStore().byPeer[9]?.peerReadUpToSeq).toBeNull();
  });

  it('keeps no read mark while read receipts are off', async () => {
    fake.conversationPage = { items: [conversation(9, { peerReadUpToSeq: null })], userSeq: 0, nextBefore: null, unreadTotal: 0 };
    await signedIn();
    fake.emit('read', { conversationId: 90, readerId: 9, readUpToSeq: 5 }, meta);
    expect(useConversationsStore().byPeer[9]?.peerReadUpToSeq).toBeNull();
  });
});

describe('messages: edit, reactions, hide, replies and refusals', () => {
  it('applies edits, reactions and hides to the loaded thread and the preview', async () => {
    fake.conversationPage = { items: [conversation(9, { lastSeq: 2 })], userSeq: 0, nextBefore: null, unreadTotal: 0 };
    const history = [1, 2].map((seq) => message({ id: seq, conversationId: 90, seq, senderId: 9, receiverId: ME }));
    fake.histories.set(9, history);
    await signedIn();
    const messages = useMessagesStore();
    const conversations = useConversationsStore();
    await messages.loadLatest(9);
    conversations.byPeer[9]!.lastMessage = history[1]!;

    fake.emit('edit', { ...history[1]!, content: 'fixed', editedAt: '2026-01-01T00:01:00.000Z' }, meta);
    expect(messages.findMessage(2)?.content).toBe('fixed');
    expect(conversations.byPeer[9]?.lastMessage?.content).toBe('fixed');

    fake.emit('reaction', { conversationId: 90, messageId: 1, seq: 1, userId: 9, emoji: '👍', reactions: [{ emoji: '👍', userIds: [9] }] }, meta);
    expect(messages.findMessage(1)?.reactions).toEqual([{ emoji: '👍', userIds: [9] }]);

    fake.emit('hide', { conversationId: 90, messageId: 2, seq: 2 }, meta);
    expect(messages.threads[9]?.items.map((m) => m.id)).toEqual([1]);
    expect(conversations.byPeer[9]?.lastMessage?.id).toBe(1);
  });

  it('sends a reply with replyToId and saves an edit', async () => {
    await signedIn();
    const messages = useMessagesStore();
    const quoted = message({ id: 3, seq: 3, senderId: 9, receiverId: ME });
    messages.startReply(9, quoted);
    await messages.sendText(9, 'answer');
    expect(fake.callsOf('send').at(-1)).toEqual([{ receiverId: 9, messageType: 'TEXT', content: 'answer', replyToId: 3 }]);
    expect(messages.replyingTo[9]).toBeUndefined();

    messages.startEdit(9, message({ id: 4, seq: 4, senderId: ME, receiverId: 9, content: 'tpyo' }));
    expect(await messages.saveEdit(9, 'typo')).toBe(true);
    expect(fake.callsOf('edit')).toEqual([[4, 'typo']]);
    expect(messages.editing[9]).toBeUndefined();
  });

  it('a refused text goes back to the composer with the reason, and its bubble goes away', async () => {
    await signedIn();
    const messages = useMessagesStore();
    await messages.sendText(9, 'call me 138 0013 8000');
    const item = fake.outbox.at(-1) ?? (messages.timeline(9).at(-1) as { item: import('@parley/sdk').OutboxItem }).item;
    fake.emit('outbox', { ...item, state: 'failed', error: { code: 'CONTENT_REJECTED', message: 'contact details', reason: 'CONTACT_INFO' } });
    expect(messages.lastError).toEqual({ code: 'CONTENT_REJECTED', message: 'contact details', reason: 'CONTACT_INFO' });
    expect(messages.timeline(9)).toEqual([]);
    expect(fake.callsOf('discard')).toEqual([[item.clientMsgId]]);
    expect(messages.takeReturnedText(9)).toBe('call me 138 0013 8000');
    expect(messages.takeReturnedText(9)).toBeNull();
  });

  it('reports the peer with the picked messages and note', async () => {
    await signedIn();
    expect(await useMessagesStore().reportUser(9, 'SCAM', [1, 2], '  asked for money ')).toBe(true);
    expect(fake.callsOf('report')).toEqual([[9, 'SCAM', { messageIds: [1, 2], note: 'asked for money' }]]);
  });
});

describe('formatting', () => {
  const t = (key: Parameters<typeof translate>[1], params?: Record<string, string | number>) => translate('en', key, params);

  it('shows a CUSTOM message by its fallback text', () => {
    expect(previewOf(message({ id: 1, seq: 1, senderId: 9, receiverId: ME, messageType: 'CUSTOM', content: '[Date invitation]', extra: { kind: 'date' } }), t, ME)).toBe('[Date invitation]');
  });

  it('highlights every occurrence of a query, case-insensitively, and cuts a snippet around the first', () => {
    expect(highlightParts('没有信号了，信号差', '信号')).toEqual([
      { text: '没有', hit: false },
      { text: '信号', hit: true },
      { text: '了，', hit: false },
      { text: '信号', hit: true },
      { text: '差', hit: false },
    ]);
    expect(highlightParts('Hello World', 'world')).toEqual([
      { text: 'Hello ', hit: false },
      { text: 'World', hit: true },
    ]);
    const long = `${'a'.repeat(100)} needle ${'b'.repeat(100)}`;
    const snippet = snippetAround(long, 'needle', 40);
    expect(snippet).toContain('needle');
    expect(snippet.startsWith('…') && snippet.endsWith('…')).toBe(true);
  });
});
