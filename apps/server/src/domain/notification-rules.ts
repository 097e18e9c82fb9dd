/**
 * The rules of offline notifications that do not depend on where they are stored or how they
 * are sent: when one is due, what it shows, when it is dropped, and how retries are spaced.
 */

/** What a notification reveals: the sender's name only (default), the message too, or nothing. */
export type PreviewMode = 'sender' | 'full' | 'none';

export const PREVIEW_MODES: readonly PreviewMode[] = ['sender', 'full', 'none'];

/** Delivery attempts per notification and channel (and per event) before it is given up. */
export const MAX_DELIVERY_ATTEMPTS = 10;

/** Longest text of a `full` preview body, in characters; channels truncate further to their own limits. */
export const PREVIEW_BODY_MAX = 100;

const FIRST_RETRY_MS = 1_000;
/** 1 s × 2.6ⁿ: the nine waits between ten attempts add up to about an hour (≈ 57 min). */
const RETRY_FACTOR = 2.6;
const LONGEST_RETRY_MS = 3_600_000;

/**
 * A stored message is notifiable to its receiver when it is not an exchange result (the
 * requester asked for it and learns the answer from the conversation) and the receiver had no
 * live connection anywhere at commit. Whether the receiver muted the conversation is applied
 * where the notification is written, against the member row of that same transaction.
 */
export function isNotifiable(messageType: string, receiverOnline: boolean): boolean {
  return !receiverOnline && !/^EXCHANGE_.*_RESULT$/.test(messageType);
}

const PLACEHOLDER_BY_TYPE: Readonly<Record<string, string>> = {
  IMAGE: '[Image]',
  VOICE: '[Voice]',
  VIDEO: '[Video]',
  EMOJI: '[Sticker]',
  EXCHANGE_WECHAT_REQUEST: '[WeChat exchange request]',
  EXCHANGE_PHOTO_REQUEST: '[Photo exchange request]',
};

/** What the notification of the latest message shows in the given mode. */
export function previewOf(mode: PreviewMode, senderName: string, latest: { messageType: string; content: string }): { title: string; body: string } {
  switch (mode) {
    case 'none':
      return { title: 'New message', body: '' };
    case 'sender':
      return { title: senderName, body: 'New message' };
    case 'full': {
      const placeholder = PLACEHOLDER_BY_TYPE[latest.messageType];
      return { title: senderName, body: placeholder ?? truncate(latest.content, PREVIEW_BODY_MAX) };
    }
  }
}

/** The name a notification shows for a user who set none. */
export function displayName(userId: number, name: string | null): string {
  return name && name.trim() !== '' ? name : `User ${userId}`;
}

/** Cuts text to at most `max` characters (code points, so no emoji is split), marking the cut with "…". */
export function truncate(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, Math.max(0, max - 1)).join('')}…`;
}

/**
 * A closing notification as the worker finds it: the receiver's messages of the conversation
 * from its first one on, as they are now.
 */
export interface CollectedNotification {
  receiverId: number;
  senderId: number;
  senderName: string | null;
  /** Of its messages, those not recalled. */
  remainingCount: number;
  /** Of those, the ones above the receiver's read mark: what the notification announces. */
  unreadCount: number;
  /** The latest unread one, null when there is none. */
  latestUnread: { messageType: string; content: string } | null;
  /** The receiver muted the conversation after the notification was written. */
  muted: boolean;
}

export type NotificationDecision =
  | { kind: 'send'; count: number; senderName: string; preview: { title: string; body: string } }
  | { kind: 'drop'; reason: 'recalled' | 'read' | 'muted' };

/**
 * Sends the notification with the count of unread messages and the latest one's preview, or
 * drops it: when every message in it was recalled, when the receiver has read them all meanwhile
 * (on another device, after coming back online — a notification of something already read is
 * spam), or muted the conversation meanwhile.
 */
export function decideNotification(n: CollectedNotification, mode: PreviewMode): NotificationDecision {
  if (n.remainingCount === 0) return { kind: 'drop', reason: 'recalled' };
  if (n.unreadCount === 0 || !n.latestUnread) return { kind: 'drop', reason: 'read' };
  if (n.muted) return { kind: 'drop', reason: 'muted' };
  const senderName = displayName(n.senderId, n.senderName);
  return { kind: 'send', count: n.unreadCount, senderName, preview: previewOf(mode, senderName, n.latestUnread) };
}

/**
 * Wait before attempt `failedAttempts + 1`: exponential from 1 s with ±20 % jitter (so rows that
 * failed together do not come back together), never shorter than what the receiver asked for.
 */
export function retryDelayMs(failedAttempts: number, random: number, retryAfterMs?: number): number {
  const base = FIRST_RETRY_MS * RETRY_FACTOR ** Math.max(0, failedAttempts - 1);
  const jittered = Math.round(base * (0.8 + 0.4 * random));
  return Math.min(LONGEST_RETRY_MS, Math.max(jittered, retryAfterMs ?? 0));
}
