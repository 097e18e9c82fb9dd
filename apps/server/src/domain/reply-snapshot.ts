/**
 * A reply quotes the message it answers as that message was when the reply was sent. The quote
 * is kept inside the reply's stored `extra` under `replyTo` (the batched write path stores
 * `extra` as given), and the row mapper lifts it to the message's own `replyTo` field, so
 * clients never see it inside `extra`.
 */
import { LIMITS, type Message, type ReplySnapshot } from '@parley/protocol';

const REPLY_KEY = 'replyTo';

/** Message types whose content is words worth quoting; a media URL or an exchange says nothing. */
const QUOTED_TYPES: ReadonlySet<string> = new Set(['TEXT', 'EMOJI', 'CUSTOM']);

/** The first `max` characters (code points, so an emoji is never cut in half). */
export function cutToChars(text: string, max: number): string {
  let cut = '';
  let count = 0;
  for (const char of text) {
    if (count++ === max) break;
    cut += char;
  }
  return cut;
}

/** What a reply shows of `quoted`. */
export function replySnapshotOf(quoted: Message): ReplySnapshot {
  return {
    id: quoted.id,
    seq: quoted.seq,
    senderId: quoted.senderId,
    messageType: quoted.messageType,
    preview: QUOTED_TYPES.has(quoted.messageType) ? cutToChars(quoted.content, LIMITS.replyPreviewMaxChars) : '',
  };
}

/**
 * The `extra` to store: the checked extra with the quote under `replyTo`, or without any
 * `replyTo` when the message is no reply (a client's own `replyTo` key would forge a quote).
 */
export function withReply(extra: Record<string, unknown> | null, replyTo: ReplySnapshot | null): Record<string, unknown> | null {
  if (replyTo) return { ...extra, [REPLY_KEY]: replyTo };
  if (!extra || !(REPLY_KEY in extra)) return extra;
  const { [REPLY_KEY]: _forged, ...rest } = extra;
  return Object.keys(rest).length > 0 ? rest : null;
}

/** The stored `extra` split into the quote and what clients see as `extra` (null when nothing else remains). */
export function splitReply(stored: Record<string, unknown> | null): { replyTo: ReplySnapshot | null; extra: Record<string, unknown> | null } {
  if (!stored || !(REPLY_KEY in stored)) return { replyTo: null, extra: stored };
  const { [REPLY_KEY]: replyTo, ...rest } = stored;
  return { replyTo: (replyTo as ReplySnapshot | null) ?? null, extra: Object.keys(rest).length > 0 ? rest : null };
}
