/** An in-memory ChatClient for store tests: records calls, lets the test emit SDK events. */
import type { Conversation, ConversationPage, HistoryPage, Message } from '@parley/protocol';
import { TypedEmitter, type OutboxItem, type ParleyEvents } from '@parley/sdk';
import type { ChatClient } from '../src/chat-client.js';

export function message(partial: Partial<Message> & Pick<Message, 'id' | 'seq' | 'senderId' | 'receiverId'>): Message {
  return {
    conversationId: 1,
    messageType: 'TEXT',
    content: `m${partial.id}`,
    extra: null,
    status: 'NORMAL',
    isRead: false,
    clientMsgId: null,
    createdAt: new Date(Date.UTC(2026, 0, 1, 0, 0, partial.seq)).toISOString(),
    editedAt: null,
    replyTo: null,
    reactions: [],
    ...partial,
  };
}

export function conversation(peerId: number, partial: Partial<Conversation> = {}): Conversation {
  return {
    id: peerId * 10,
    peer: { id: peerId, name: `Peer ${peerId}`, avatarUrl: null, online: false, lastSeenAt: null },
    lastMessage: null,
    lastMessageTime: new Date(Date.UTC(2026, 0, 1)).toISOString(),
    lastSeq: 0,
    unreadCount: 0,
    myReadUpToSeq: 0,
    peerReadUpToSeq: 0,
    pinned: false,
    muted: false,
    archived: false,
    ...partial,
  };
}

export class FakeChatClient {
  readonly emitter = new TypedEmitter<ParleyEvents>();
  state = 'connected' as const;
  userId: number;
  calls: { method: string; args: unknown[] }[] = [];
  conversationPage: ConversationPage = { items: [], userSeq: 0, nextBefore: null, unreadTotal: 0 };
  histories = new Map<number, Message[]>();
  outbox: OutboxItem[] = [];
  blocked: number[] = [];
  private counter = 0;

  constructor(userId: number) {
    this.userId = userId;
  }

  private record(method: string, ...args: unknown[]) {
    this.calls.push({ method, args });
  }

  callsOf(method: string) {
    return this.calls.filter((c) => c.method === method).map((c) => c.args);
  }

  on<K extends keyof ParleyEvents>(event: K, listener: (...args: ParleyEvents[K]) => void) {
    return this.emitter.on(event, listener);
  }
  emit<K extends keyof ParleyEvents>(event: K, ...args: ParleyEvents[K]) {
    this.emitter.emit(event, ...args);
  }
  async connect() {}
  async disconnect() {}
  reconnectNow() {}
  async send(input: { receiverId: number; messageType?: string; content: string; extra?: Record<string, unknown> | null }) {
    this.record('send', input);
    const item: OutboxItem = {
      clientMsgId: `c-${++this.counter}`,
      body: { receiverId: input.receiverId, messageType: (input.messageType ?? 'TEXT') as 'TEXT', content: input.content, clientMsgId: `c-${this.counter}`, extra: input.extra ?? null },
      createdAt: Date.now(),
      attempts: 0,
      state: 'queued',
      notBefore: 0,
      error: null,
      message: null,
    };
    this.emit('outbox', { ...item });
    return item;
  }
  retry(id: string) {
    this.record('retry', id);
    return true;
  }
  discard(id: string) {
    this.record('discard', id);
    return true;
  }
  pendingMessages() {
    return this.outbox;
  }
  async restoreOutbox() {
    return this.outbox;
  }
  setTyping(receiverId: number, typing: boolean) {
    this.record('setTyping', receiverId, typing);
  }
  async me() {
    return { id: this.userId, name: 'Me', avatarUrl: null, wechatId: null, photoUrls: [] };
  }
  async updateMe(update: object) {
    this.record('updateMe', update);
    return { id: this.userId, name: 'Me', avatarUrl: null, wechatId: null, photoUrls: [], ...update };
  }
  async conversations() {
    return this.conversationPage;
  }
  async history(peerId: number, options: { beforeSeq?: number; afterSeq?: number; limit?: number } = {}): Promise<HistoryPage> {
    this.record('history', peerId, options);
    const all = this.histories.get(peerId) ?? [];
    const limit = options.limit ?? 20;
    if (options.afterSeq !== undefined) {
      const items = all.filter((m) => m.seq > options.afterSeq!).slice(0, limit);
      return { items, hasMore: all.filter((m) => m.seq > options.afterSeq!).length > limit };
    }
    const eligible = all.filter((m) => options.beforeSeq === undefined || m.seq < options.beforeSeq);
    return { items: eligible.slice(-limit), hasMore: eligible.length > limit };
  }
  olderHistory(peerId: number, oldestSeq: number, limit = 20) {
    return this.history(peerId, { beforeSeq: oldestSeq, limit });
  }
  async markRead(conversationId: number, upToSeq?: number) {
    this.record('markRead', conversationId, upToSeq);
    return { conversationId, readUpToSeq: upToSeq ?? 999, unreadCount: 0 };
  }
  async requestExchange(receiverId: number, kind: string) {
    this.record('requestExchange', receiverId, kind);
    return message({ id: 900, seq: 50, senderId: this.userId, receiverId, messageType: kind === 'WECHAT' ? 'EXCHANGE_WECHAT_REQUEST' : 'EXCHANGE_PHOTO_REQUEST', content: '', extra: { exchangeStatus: 'PENDING' } });
  }
  async respondExchange(messageId: number, accept: boolean) {
    this.record('respondExchange', messageId, accept);
    return message({ id: 901, seq: 51, senderId: this.userId, receiverId: 9, messageType: 'EXCHANGE_WECHAT_RESULT', content: '', extra: { requestId: messageId, accepted: accept } });
  }
  async recall(messageId: number) {
    this.record('recall', messageId);
    return message({ id: messageId, seq: 1, senderId: this.userId, receiverId: 9, status: 'RECALLED', content: '' });
  }
  async presence(ids: readonly number[]) {
    return ids.map((userId) => ({ userId, online: true, lastSeenAt: null }));
  }
  async block(userId: number) {
    this.record('block', userId);
  }
  async unblock(userId: number) {
    this.record('unblock', userId);
  }
  async blockedUserIds() {
    return this.blocked;
  }
  readReceipts = true;
  async settings() {
    return { readReceipts: this.readReceipts };
  }
  async updateSettings(update: { readReceipts?: boolean }) {
    this.record('updateSettings', update);
    if (update.readReceipts !== undefined) this.readReceipts = update.readReceipts;
    return { readReceipts: this.readReceipts };
  }
  async edit(messageId: number, content: string) {
    this.record('edit', messageId, content);
    return { ...message({ id: messageId, seq: 1, senderId: this.userId, receiverId: 9, content }), editedAt: new Date().toISOString(), userSeq: 1 };
  }
  async react(messageId: number, emoji: string | null) {
    this.record('react', messageId, emoji);
    return { conversationId: 90, messageId, seq: 1, userId: this.userId, emoji, reactions: emoji ? [{ emoji, userIds: [this.userId] }] : [], userSeq: 1 };
  }
  async hide(messageId: number) {
    this.record('hide', messageId);
    return { conversationId: 90, messageId, seq: 1, userSeq: 1 };
  }
  async updateConversation(conversationId: number, settings: object) {
    this.record('updateConversation', conversationId, settings);
    return { conversationId, pinned: false, muted: false, archived: false, ...settings, userSeq: 1 };
  }
  async clearConversation(conversationId: number) {
    this.record('clearConversation', conversationId);
    return { conversationId, clearedUpToSeq: 999, userSeq: 1 };
  }
  async unmatch(conversationId: number) {
    this.record('unmatch', conversationId);
    return { conversationId, state: 'UNMATCHED' as const, userSeq: 1 };
  }
  async report(userId: number, reason: string, options: object = {}) {
    this.record('report', userId, reason, options);
    return { id: 1, reporterId: this.userId, userId, reason, status: 'OPEN', createdAt: new Date().toISOString() };
  }
  async search(q: string, options: object = {}) {
    this.record('search', q, options);
    return { items: [], nextBefore: null };
  }
  async uploadMedia(_file: Blob, options: { onProgress?: (p: { loaded: number; total: number }) => void } = {}) {
    options.onProgress?.({ loaded: 50, total: 100 });
    options.onProgress?.({ loaded: 100, total: 100 });
    return { url: '/media/abc.png', mime: 'image/png', size: 100, width: 10, height: 20 };
  }
}

export const asChatClient = (fake: FakeChatClient) => fake as unknown as ChatClient;
