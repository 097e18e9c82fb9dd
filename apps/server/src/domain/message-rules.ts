/**
 * Per-type rules for a message a user sends: what its content must be (text length, media URL,
 * emoji name, …). Pure: media ownership is checked
 * by the messaging service against the media store, using the key this returns.
 */
import { LIMITS, type SendableMessageType } from '@parley/protocol';
import { AppError } from './app-error.js';

export type MediaKind = 'image' | 'voice' | 'video';

export interface OutgoingContent {
  content: string;
  extra: Record<string, unknown> | null;
  /** Set for media messages: the key of the uploaded file the content points at. */
  media: { key: string; kind: MediaKind } | null;
}

const MEDIA_KIND_BY_TYPE: Partial<Record<SendableMessageType, MediaKind>> = { IMAGE: 'image', VOICE: 'voice', VIDEO: 'video' };

/** True for the message types whose content is an upload's URL. */
export function isMediaType(messageType: string): messageType is 'IMAGE' | 'VOICE' | 'VIDEO' {
  return messageType === 'IMAGE' || messageType === 'VOICE' || messageType === 'VIDEO';
}

/** Length in user-perceived characters (code points), so an emoji counts once. */
export function charLength(text: string): number {
  let count = 0;
  for (const _ of text) count++;
  return count;
}

/**
 * The media key of a URL this server handed out (`…/media/<key>`), or null. Only the key is kept:
 * callers rebuild the canonical URL from it, so a client's host, query or fragment never reaches
 * a receiver, and a `javascript:` or `data:` URL is refused outright.
 */
export function mediaKeyOf(url: string): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url, 'http://parley.invalid');
  } catch {
    return null;
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return null;
  const match = /^\/media\/([A-Za-z0-9_-]{8,64}\.[a-z0-9]{1,8})$/.exec(parsed.pathname);
  return match ? match[1]! : null;
}

export function checkOutgoingContent(
  messageType: SendableMessageType,
  rawContent: string,
  extra: Record<string, unknown> | null | undefined,
): OutgoingContent {
  switch (messageType) {
    case 'TEXT': {
      const content = rawContent.trim();
      const length = charLength(content);
      if (length < 1 || length > LIMITS.textMaxChars) {
        throw new AppError('VALIDATION_FAILED', `content: TEXT must be 1–${LIMITS.textMaxChars} characters after trimming`);
      }
      return { content, extra: null, media: null };
    }
    case 'CUSTOM':
      return { content: checkCustomContent(rawContent), extra: checkCustomExtra(extra), media: null };
    case 'EMOJI': {
      const content = rawContent.trim();
      const length = charLength(content);
      if (length < 1 || length > LIMITS.emojiCodeMaxChars) {
        throw new AppError('VALIDATION_FAILED', `content: EMOJI must be a sticker code of 1–${LIMITS.emojiCodeMaxChars} characters`);
      }
      return { content, extra: null, media: null };
    }
    case 'IMAGE':
    case 'VIDEO':
    case 'VOICE': {
      const kind = MEDIA_KIND_BY_TYPE[messageType]!;
      const content = rawContent.trim();
      const key = mediaKeyOf(content);
      if (!key) throw new AppError('VALIDATION_FAILED', `content: ${messageType} must be the URL of media uploaded through /media`);
      let checkedExtra: Record<string, unknown> | null = null;
      if (messageType === 'VOICE') {
        const durationMs = extra?.durationMs;
        if (typeof durationMs !== 'number' || !Number.isInteger(durationMs) || durationMs < 1 || durationMs > LIMITS.voiceMaxDurationMs) {
          throw new AppError('VALIDATION_FAILED', `extra.durationMs: VOICE needs a whole number of milliseconds, 1–${LIMITS.voiceMaxDurationMs}`);
        }
        checkedExtra = { durationMs };
      }
      return { content, extra: checkedExtra, media: { key, kind } };
    }
  }
}

/** Keys the server itself keeps in a stored message's `extra` (a reply's quote, masking): a host app's object may not carry them. */
const SERVER_EXTRA_KEYS = ['replyTo', 'masked'] as const;

/** A CUSTOM message's fallback text: what a client that does not know the host app's type shows. */
function checkCustomContent(rawContent: string): string {
  const content = rawContent.trim();
  const length = charLength(content);
  if (length < 1 || length > LIMITS.customContentMaxChars) {
    throw new AppError('VALIDATION_FAILED', `content: CUSTOM needs a fallback text of 1–${LIMITS.customContentMaxChars} characters`);
  }
  return content;
}

/**
 * A CUSTOM message's `extra` is the host app's own JSON object, stored and delivered as sent. It
 * is bounded in bytes of its JSON (the size it takes in the database and on every wire), and a
 * too large one is a refused field (VALIDATION_FAILED), not a too large frame: the connection
 * that sent it stays open.
 */
function checkCustomExtra(extra: Record<string, unknown> | null | undefined): Record<string, unknown> {
  if (extra === null || extra === undefined || typeof extra !== 'object' || Array.isArray(extra)) {
    throw new AppError('VALIDATION_FAILED', 'extra: CUSTOM needs a JSON object chosen by the host app');
  }
  const reserved = SERVER_EXTRA_KEYS.filter((key) => Object.hasOwn(extra, key));
  if (reserved.length > 0) throw new AppError('VALIDATION_FAILED', `extra: ${reserved.join(', ')} is kept by the server; CUSTOM extra may not use it`);
  const bytes = new TextEncoder().encode(JSON.stringify(extra)).length;
  if (bytes > LIMITS.customExtraMaxBytes) {
    throw new AppError('VALIDATION_FAILED', `extra: CUSTOM extra is ${bytes} bytes of JSON, at most ${LIMITS.customExtraMaxBytes}`);
  }
  return extra;
}
