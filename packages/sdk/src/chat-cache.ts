import type { Conversation, ConversationChange, Message, SyncEvent } from '@parley/protocol';
import type { UpdateMeta } from './events.js';

/** What the cache keeps of one conversation besides its messages: my flags and its state. */
export interface CachedConversation {
  id: number;
  pinned: boolean;
  muted: boolean;
  archived: boolean;
  /** Messages up to this seq are cleared for me. */
  clearedUpToSeq: number;
  /** My read mark and the peer's, as the last read receipts told. */
  myReadUpToSeq: number;
  peerReadUpToSeq: number | null;
}

/** The part of a ParleyClient the cache listens to. */
export interface UpdateSource {
  readonly userId: number | null;
  on(event: 'update', listener: (event: SyncEvent, meta: UpdateMeta) => void): () => void;
}

/**
 * A local copy of the messages and conversation flags an app has loaded, kept equal to the
 * server's by applying every change of the update log (`update` events, live or replayed by
 * `/sync`) in order: new messages, read marks, recalls, exchange answers, edits, reactions,
 * messages hidden for me, conversation settings, clears and unmatches. Load what you show over
 * REST (`loadHistory`, `loadConversations`), `attach` it to the client, and read `messages(id)`.
 * Messages hidden or cleared for me and unmatched conversations leave the cache, as they leave the
 * server's history and list.
 */
export class ChatCache {
  private readonly byConversation = new Map<number, Map<number, Message>>();
  private readonly conversationRows = new Map<number, CachedConversation>();
  private readonly hidden = new Set<number>();
  private myId: number | null = null;

  /** Applies every later change of `client` to this cache; returns a function that stops it. */
  attach(client: UpdateSource): () => void {
    return client.on('update', (event) => {
      this.myId ??= client.userId;
      this.apply(event);
    });
  }

  /** Messages of a conversation as loaded over REST (any page, any order). */
  loadHistory(messages: readonly Message[]): void {
    for (const message of messages) this.put(message);
  }

  /** Rows of the conversation list (their flags and read marks). */
  loadConversations(conversations: readonly Conversation[]): void {
    for (const c of conversations) {
      this.conversationRows.set(c.id, {
        id: c.id,
        pinned: c.pinned,
        muted: c.muted,
        archived: c.archived,
        clearedUpToSeq: this.conversationRows.get(c.id)?.clearedUpToSeq ?? 0,
        myReadUpToSeq: c.myReadUpToSeq,
        peerReadUpToSeq: c.peerReadUpToSeq,
      });
      if (c.lastMessage) this.put(c.lastMessage);
    }
  }

  /** The cached messages of a conversation, ascending by seq. */
  messages(conversationId: number): Message[] {
    return [...(this.byConversation.get(conversationId)?.values() ?? [])].sort((a, b) => a.seq - b.seq);
  }

  /** A cached message by id. */
  message(messageId: number): Message | undefined {
    for (const messages of this.byConversation.values()) {
      const found = messages.get(messageId);
      if (found) return found;
    }
    return undefined;
  }

  /** My flags of a conversation, once listed or changed. */
  conversation(conversationId: number): CachedConversation | undefined {
    return this.conversationRows.get(conversationId);
  }

  /** The conversations the cache knows (unmatched ones are gone). */
  conversationIds(): number[] {
    return [...new Set([...this.conversationRows.keys(), ...this.byConversation.keys()])];
  }

  /** Applies one change of the update log. Each apply is idempotent, so a repeat changes nothing. */
  apply(event: SyncEvent): void {
    switch (event.type) {
      case 'message': {
        // As on the server: a new message brings an archived conversation back unless it is muted.
        const row = this.conversationRows.get(event.data.conversationId);
        if (row?.archived && !row.muted && !this.message(event.data.id)) row.archived = false;
        this.put(event.data);
        return;
      }
      case 'read': {
        const { conversationId, readerId, readUpToSeq } = event.data;
        for (const m of this.byConversation.get(conversationId)?.values() ?? []) {
          if (m.receiverId === readerId && m.seq <= readUpToSeq && !m.isRead) this.replace({ ...m, isRead: true });
        }
        const row = this.conversationRows.get(conversationId);
        if (row && this.myId !== null) {
          if (readerId === this.myId) row.myReadUpToSeq = Math.max(row.myReadUpToSeq, readUpToSeq);
          else row.peerReadUpToSeq = Math.max(row.peerReadUpToSeq ?? 0, readUpToSeq);
        }
        return;
      }
      case 'recall': {
        const m = this.message(event.data.messageId);
        if (m) this.replace({ ...m, status: 'RECALLED', content: '', extra: null });
        return;
      }
      case 'exchange': {
        const m = this.message(event.data.messageId);
        if (m) this.replace({ ...m, extra: { ...(m.extra ?? {}), exchangeStatus: event.data.accepted ? 'ACCEPTED' : 'REJECTED' } });
        return;
      }
      case 'edit':
        // Only a message already held: an edit of one never loaded must not open a hole in the history.
        if (this.byConversation.get(event.data.conversationId)?.has(event.data.id)) this.replace(event.data);
        return;
      case 'reaction': {
        const m = this.message(event.data.messageId);
        if (m) this.replace({ ...m, reactions: event.data.reactions });
        return;
      }
      case 'hide':
        this.hidden.add(event.data.messageId);
        this.byConversation.get(event.data.conversationId)?.delete(event.data.messageId);
        return;
      case 'conversation':
        this.applyConversationChange(event.data);
        return;
    }
  }

  private applyConversationChange(change: ConversationChange): void {
    const id = change.conversationId;
    if (change.state === 'UNMATCHED') {
      this.byConversation.delete(id);
      this.conversationRows.delete(id);
      return;
    }
    let row = this.conversationRows.get(id);
    if (!row) this.conversationRows.set(id, (row = { id, pinned: false, muted: false, archived: false, clearedUpToSeq: 0, myReadUpToSeq: 0, peerReadUpToSeq: null }));
    if (change.pinned !== undefined) row.pinned = change.pinned;
    if (change.muted !== undefined) row.muted = change.muted;
    if (change.archived !== undefined) row.archived = change.archived;
    if (change.clearedUpToSeq !== undefined && change.clearedUpToSeq > row.clearedUpToSeq) {
      const upTo = (row.clearedUpToSeq = change.clearedUpToSeq);
      const messages = this.byConversation.get(id);
      for (const m of messages?.values() ?? []) if (m.seq <= upTo) messages?.delete(m.id);
    }
  }

  private put(message: Message): void {
    if (this.hidden.has(message.id)) return;
    const row = this.conversationRows.get(message.conversationId);
    if (row && message.seq <= row.clearedUpToSeq) return;
    let messages = this.byConversation.get(message.conversationId);
    if (!messages) this.byConversation.set(message.conversationId, (messages = new Map()));
    messages.set(message.id, message);
  }

  private replace(message: Message): void {
    this.byConversation.get(message.conversationId)?.set(message.id, message);
  }
}
