/** Limits (docs/operations.md) shared by every door and by clients that validate before sending. */
export const LIMITS = {
  textMaxChars: 5000,
  emojiCodeMaxChars: 64,
  clientMsgIdMaxChars: 64,
  voiceMaxDurationMs: 300_000,
  historyDefaultLimit: 20,
  historyMaxLimit: 100,
  conversationsDefaultLimit: 20,
  conversationsMaxLimit: 100,
  syncDefaultLimit: 100,
  syncMaxLimit: 1000,
  /** Largest assembled STOMP frame or SignalR record accepted from a client. */
  frameMaxBytes: 64 * 1024,
  recallWindowMs: 2 * 60 * 1000,
  typingExpiryMs: 6000,
  /** A CUSTOM message's fallback text, in characters (code points). */
  customContentMaxChars: 200,
  /** A CUSTOM message's `extra`, in bytes of its UTF-8 JSON. */
  customExtraMaxBytes: 8 * 1024,
  /** A search query, in characters (code points) after trimming. */
  searchQueryMinChars: 2,
  searchQueryMaxChars: 64,
  searchDefaultLimit: 20,
  searchMaxLimit: 50,
  /** A reply's quoted preview, in characters (code points). */
  replyPreviewMaxChars: 100,
  /** A reaction, in characters (code points): an emoji, a flag, a family, or a short sticker code. */
  reactionMaxChars: 16,
  /** Largest id accepted from a client: JSON numbers are doubles. */
  maxId: Number.MAX_SAFE_INTEGER,
} as const;
