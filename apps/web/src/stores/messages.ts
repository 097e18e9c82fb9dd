import type { ExchangeAnswer, ExchangeKind, HideNotice, Message, ReactionNotice, RecallNotice, ReportReason } from '@parley/protocol';
import { LIMITS } from '@parley/protocol';
import type { OutboxItem } from '@parley/sdk';
import { defineStore } from 'pinia';
import { nextTick, ref } from 'vue';
import { chatClient } from '../chat-client.js';
import { useConversationsStore } from './conversations.js';

/** The loaded part of one chat: a contiguous run of messages ending at the latest. */
export interface Thread {
  items: Message[];
  hasMore: boolean;
  loading: boolean;
  loaded: boolean;
}

/** An image being uploaded before its message is queued. */
export interface UploadView {
  id: string;
  peerId: number;
  fileName: string;
  previewUrl: string | null;
  progress: number;
  error: string | null;
  file: File | Blob;
}

/** One row of the chat window. */
export type TimelineEntry =
  | { kind: 'message'; key: string; message: Message }
  | { kind: 'pending'; key: string; item: OutboxItem }
  | { kind: 'upload'; key: string; upload: UploadView };

let uploadCounter = 0;

/** Refusals that repeating cannot fix: the text goes back to the composer so the user can change it. */
const FINAL_SEND_REFUSALS = new Set(['CONTENT_REJECTED', 'AWAITING_REPLY', 'USER_MUTED']);

/** What the UI reports as an error: the server's code and, for refused content, the rule. */
export interface ShownError {
  code: string;
  message: string;
  reason?: string;
}

/**
 * Messages per peer, the outbox view (sending / failed bubbles), uploads in progress, and the
 * data revealed by accepted exchanges. Every message appears once: threads are keyed by id.
 */
export const useMessagesStore = defineStore('messages', () => {
  const threads = ref<Record<number, Thread>>({});
  const pending = ref<Record<string, OutboxItem>>({});
  const uploads = ref<Record<string, UploadView>>({});
  const exchanges = ref<Record<number, ExchangeAnswer>>({});
  const lastError = ref<ShownError | null>(null);
  /** A short confirmation ("Report sent") shown like an error, but polite. */
  const notice = ref<string | null>(null);
  /** The message the composer of each chat quotes. */
  const replyingTo = ref<Record<number, Message>>({});
  /** My message the composer of each chat is editing. */
  const editing = ref<Record<number, Message>>({});
  /** Refused texts given back to each chat's composer. */
  const returnedText = ref<Record<number, string>>({});
  /** The message to scroll to and mark (a search hit, a quoted original); `nonce` repeats a jump. */
  const focus = ref<{ peerId: number; messageId: number; nonce: number } | null>(null);
  let focusCounter = 0;
  /** The report dialog to show: whom, and the messages picked when it opened. */
  const reporting = ref<{ peerId: number; messageIds: number[] } | null>(null);

  function reset(): void {
    threads.value = {};
    pending.value = {};
    uploads.value = {};
    exchanges.value = {};
    lastError.value = null;
    notice.value = null;
    replyingTo.value = {};
    editing.value = {};
    returnedText.value = {};
    focus.value = null;
    reporting.value = null;
  }

  function thread(peerId: number): Thread {
    return (threads.value[peerId] ??= { items: [], hasMore: true, loading: false, loaded: false });
  }

  function merge(peerId: number, messages: readonly Message[]): void {
    const t = thread(peerId);
    const byId = new Map(t.items.map((m) => [m.id, m]));
    for (const m of messages) byId.set(m.id, m);
    t.items = [...byId.values()].sort((a, b) => a.seq - b.seq);
  }

  /** Loads the latest page of the chat with `peerId` (once). */
  const latestLoads = new Map<number, Promise<void>>();
  function loadLatest(peerId: number): Promise<void> {
    const t = thread(peerId);
    if (t.loaded) return Promise.resolve();
    let load = latestLoads.get(peerId);
    if (!load) {
      t.loading = true;
      load = (async () => {
        try {
          const page = await chatClient().history(peerId, { limit: 30 });
          merge(peerId, page.items);
          t.hasMore = page.hasMore;
          t.loaded = true;
        } finally {
          t.loading = false;
          latestLoads.delete(peerId);
        }
      })();
      latestLoads.set(peerId, load);
    }
    return load;
  }

  /** Loads the page before the oldest loaded message (upward infinite scroll). */
  async function loadOlder(peerId: number): Promise<number> {
    const t = thread(peerId);
    const oldest = t.items[0];
    if (!t.loaded || t.loading || !t.hasMore || !oldest) return 0;
    t.loading = true;
    try {
      const page = await chatClient().olderHistory(peerId, oldest.seq, 30);
      merge(peerId, page.items);
      t.hasMore = page.hasMore;
      return page.items.length;
    } finally {
      t.loading = false;
    }
  }

  /** A message event: added to its loaded thread; a hole before it is filled from history. */
  function applyMessage(m: Message, peerId: number): void {
    const t = threads.value[peerId];
    if (!t?.loaded) return;
    const last = t.items.at(-1);
    merge(peerId, [m]);
    if (last && m.seq > last.seq + 1) void fillGap(peerId, last.seq);
  }

  async function fillGap(peerId: number, afterSeq: number): Promise<void> {
    let cursor = afterSeq;
    for (;;) {
      const page = await chatClient().history(peerId, { afterSeq: cursor, limit: LIMITS.historyMaxLimit });
      merge(peerId, page.items);
      const newest = page.items.at(-1);
      if (!page.hasMore || !newest) return;
      cursor = newest.seq;
    }
  }

  function findMessage(id: number): Message | undefined {
    for (const t of Object.values(threads.value)) {
      const found = t.items.find((m) => m.id === id);
      if (found) return found;
    }
    return undefined;
  }

  function applyRecall(n: RecallNotice): void {
    const m = findMessage(n.messageId);
    if (m) {
      m.status = 'RECALLED';
      m.content = '';
    }
    // Replies quoting it lose the quoted words too.
    for (const t of Object.values(threads.value)) {
      for (const r of t.items) if (r.replyTo?.id === n.messageId) r.replyTo = { ...r.replyTo, preview: '' };
    }
  }

  /** An edit (mine from any device, or the peer's): the whole message as it is now. */
  function applyEdit(edited: Message): void {
    for (const t of Object.values(threads.value)) {
      const at = t.items.findIndex((m) => m.id === edited.id);
      if (at >= 0) t.items[at] = edited;
    }
  }

  function applyReaction(n: ReactionNotice): void {
    const m = findMessage(n.messageId);
    if (m) m.reactions = n.reactions;
  }

  /** A message deleted for me; returns the message before it (the new preview), when loaded. */
  function applyHide(n: HideNotice): Message | null {
    for (const t of Object.values(threads.value)) {
      const at = t.items.findIndex((m) => m.id === n.messageId);
      if (at >= 0) {
        t.items.splice(at, 1);
        return t.items[at - 1] ?? null;
      }
    }
    return null;
  }

  /** The chat with `peerId` was cleared for me up to `upToSeq`. */
  function applyClear(peerId: number, upToSeq: number): void {
    const t = threads.value[peerId];
    if (t) {
      t.items = t.items.filter((m) => m.seq > upToSeq);
      t.hasMore = false;
    }
  }

  /** The chat with `peerId` was unmatched: nothing of it stays. */
  function forget(peerId: number): void {
    delete threads.value[peerId];
    delete replyingTo.value[peerId];
    delete editing.value[peerId];
  }

  function applyExchange(answer: ExchangeAnswer): void {
    exchanges.value[answer.messageId] = answer;
    const request = findMessage(answer.messageId);
    if (request) request.extra = { ...(request.extra ?? {}), exchangeStatus: answer.accepted ? 'ACCEPTED' : 'REJECTED' };
  }

  /** An outbox change: `sent` turns the bubble into the stored message. */
  function applyOutbox(item: OutboxItem): void {
    if (item.state === 'failed' && item.error && FINAL_SEND_REFUSALS.has(item.error.code)) {
      // Say why, and give the text back to the composer instead of leaving a dead bubble.
      lastError.value = { code: item.error.code, message: item.error.message, ...(item.error.reason ? { reason: item.error.reason } : {}) };
      if (item.body.messageType === 'TEXT') {
        const peerId = item.body.receiverId;
        returnedText.value[peerId] = returnedText.value[peerId] ? `${returnedText.value[peerId]}\n${item.body.content}` : item.body.content;
        chatClient().discard(item.clientMsgId);
        delete pending.value[item.clientMsgId];
        return;
      }
    }
    if (item.state === 'sent') {
      delete pending.value[item.clientMsgId];
      if (item.message) {
        const conversations = useConversationsStore();
        const peerId = conversations.peerOf(item.message);
        applyMessage(item.message, peerId);
        conversations.applyMessage(item.message);
      }
    } else {
      pending.value[item.clientMsgId] = item;
    }
  }

  /** Loads what a previous page left unsent. */
  async function restorePending(): Promise<void> {
    for (const item of await chatClient().restoreOutbox()) pending.value[item.clientMsgId] = item;
  }

  function timeline(peerId: number): TimelineEntry[] {
    const entries: TimelineEntry[] = (threads.value[peerId]?.items ?? []).map((message) => ({ kind: 'message', key: `m${message.id}`, message }));
    const mine = Object.values(pending.value)
      .filter((item) => item.body.receiverId === peerId)
      .sort((a, b) => a.createdAt - b.createdAt);
    for (const item of mine) entries.push({ kind: 'pending', key: `c${item.clientMsgId}`, item });
    for (const upload of Object.values(uploads.value)) if (upload.peerId === peerId) entries.push({ kind: 'upload', key: `u${upload.id}`, upload });
    return entries;
  }

  function report(error: unknown): void {
    const e = error as { code?: string; message?: string; reason?: string };
    lastError.value = { code: e.code ?? 'INTERNAL', message: e.message ?? String(error), ...(e.reason ? { reason: e.reason } : {}) };
  }

  /** Sends a text, quoting the message the composer replies to (if any). */
  async function sendText(peerId: number, text: string): Promise<boolean> {
    if (!text.trim()) return false;
    const quoted = replyingTo.value[peerId];
    try {
      await chatClient().send({ receiverId: peerId, messageType: 'TEXT', content: text, ...(quoted ? { replyToId: quoted.id } : {}) });
      delete replyingTo.value[peerId];
      chatClient().setTyping(peerId, false);
      return true;
    } catch (error) {
      report(error);
      return false;
    }
  }

  /** Takes the text given back after a refusal (once). */
  function takeReturnedText(peerId: number): string | null {
    const text = returnedText.value[peerId] ?? null;
    delete returnedText.value[peerId];
    return text;
  }

  function startReply(peerId: number, m: Message): void {
    delete editing.value[peerId];
    replyingTo.value[peerId] = m;
  }

  function startEdit(peerId: number, m: Message): void {
    delete replyingTo.value[peerId];
    editing.value[peerId] = m;
  }

  /** Saves an edit of my text; false (with the error shown) when the server refused it. */
  async function saveEdit(peerId: number, content: string): Promise<boolean> {
    const target = editing.value[peerId];
    if (!target || !content.trim()) return false;
    try {
      if (content !== target.content) applyEdit(await chatClient().edit(target.id, content));
      delete editing.value[peerId];
      return true;
    } catch (error) {
      report(error);
      return false;
    }
  }

  /** Sets my reaction (or takes it back with null). */
  async function react(messageId: number, emoji: string | null): Promise<void> {
    try {
      applyReaction(await chatClient().react(messageId, emoji));
    } catch (error) {
      report(error);
    }
  }

  /** Deletes a message for me (on my devices only). */
  async function hide(messageId: number): Promise<void> {
    try {
      const notice = await chatClient().hide(messageId);
      useConversationsStore().applyHide(notice, applyHide(notice));
    } catch (error) {
      report(error);
    }
  }

  /** Reports the peer, with the messages the user picked as evidence. */
  async function reportUser(peerId: number, reason: ReportReason, messageIds: number[], note: string): Promise<boolean> {
    try {
      await chatClient().report(peerId, reason, { ...(messageIds.length ? { messageIds } : {}), ...(note.trim() ? { note: note.trim() } : {}) });
      return true;
    } catch (error) {
      report(error);
      return false;
    }
  }

  /**
   * Opens the chat at message `messageId` (seq `seq`): older pages are loaded until it is in the
   * thread, then the list scrolls to it and marks it.
   */
  async function jumpTo(peerId: number, messageId: number, seq: number): Promise<void> {
    await loadLatest(peerId);
    const t = thread(peerId);
    while (t.hasMore && (t.items[0]?.seq ?? 0) > seq) {
      const oldest = t.items[0];
      if (!oldest) break;
      const page = await chatClient().olderHistory(peerId, oldest.seq, LIMITS.historyMaxLimit);
      merge(peerId, page.items);
      t.hasMore = page.hasMore;
      if (!page.items.length) break;
    }
    // The chat opened with this jump renders first, so that its list sees the focus change.
    await nextTick();
    focus.value = { peerId, messageId, nonce: ++focusCounter };
  }

  async function sendSticker(peerId: number, code: string): Promise<void> {
    await chatClient().send({ receiverId: peerId, messageType: 'EMOJI', content: code }).catch(report);
  }

  /** Uploads an image with progress, then sends it as an IMAGE message. */
  async function sendImage(peerId: number, file: File | Blob, existing?: UploadView): Promise<void> {
    const id = existing?.id ?? `up-${++uploadCounter}`;
    const previewUrl = existing?.previewUrl ?? (typeof URL.createObjectURL === 'function' ? URL.createObjectURL(file) : null);
    uploads.value[id] = { id, peerId, file, fileName: (file as File).name ?? 'image', previewUrl, progress: 0, error: null };
    try {
      const media = await chatClient().uploadMedia(file, {
        fileName: (file as File).name || 'image',
        onProgress: (p) => {
          const u = uploads.value[id];
          if (u && p.total > 0) u.progress = Math.round((100 * p.loaded) / p.total);
        },
      });
      const extra: Record<string, unknown> = { size: media.size, mime: media.mime, width: media.width ?? 0, height: media.height ?? 0 };
      if (media.thumbnailUrl) extra.thumbnailUrl = media.thumbnailUrl;
      await chatClient().send({ receiverId: peerId, messageType: 'IMAGE', content: media.url, extra });
      delete uploads.value[id];
      if (previewUrl && typeof URL.revokeObjectURL === 'function') URL.revokeObjectURL(previewUrl);
    } catch (error) {
      const u = uploads.value[id];
      if (u) u.error = (error as Error).message ?? String(error);
      report(error);
    }
  }

  function retryUpload(id: string): void {
    const u = uploads.value[id];
    if (u) void sendImage(u.peerId, u.file, u);
  }

  function discardUpload(id: string): void {
    delete uploads.value[id];
  }

  function retry(clientMsgId: string): void {
    chatClient().retry(clientMsgId);
  }

  function discard(clientMsgId: string): void {
    chatClient().discard(clientMsgId);
    delete pending.value[clientMsgId];
  }

  async function recall(messageId: number): Promise<void> {
    try {
      const m = await chatClient().recall(messageId);
      applyRecall({ conversationId: m.conversationId, messageId: m.id, seq: m.seq });
    } catch (error) {
      report(error);
    }
  }

  async function requestExchange(peerId: number, kind: ExchangeKind): Promise<void> {
    try {
      const m = await chatClient().requestExchange(peerId, kind);
      applyMessage(m, peerId);
      useConversationsStore().applyMessage(m);
    } catch (error) {
      report(error);
    }
  }

  async function respondExchange(messageId: number, accept: boolean): Promise<void> {
    try {
      const result = await chatClient().respondExchange(messageId, accept);
      const conversations = useConversationsStore();
      applyMessage(result, conversations.peerOf(result));
      conversations.applyMessage(result);
      const request = findMessage(messageId);
      if (request) request.extra = { ...(request.extra ?? {}), exchangeStatus: accept ? 'ACCEPTED' : 'REJECTED' };
    } catch (error) {
      report(error);
    }
  }

  function setTyping(peerId: number, typing: boolean): void {
    chatClient().setTyping(peerId, typing);
  }

  return {
    threads, pending, uploads, exchanges, lastError, notice, replyingTo, editing, returnedText, focus, reporting,
    reset, thread, loadLatest, loadOlder, applyMessage, applyRecall, applyExchange, applyOutbox, restorePending, timeline,
    applyEdit, applyReaction, applyHide, applyClear, forget,
    sendText, sendSticker, sendImage, retryUpload, discardUpload, retry, discard, recall, requestExchange, respondExchange,
    setTyping, report, findMessage, takeReturnedText, startReply, startEdit, saveEdit, react, hide, reportUser, jumpTo,
  };
});
