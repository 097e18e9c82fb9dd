/**
 * One schema per client message, shared by every door. The TypeScript types are derived
 * from the schemas, so what is validated is exactly what the code sees. Unknown fields are
 * ignored (clients written for Spring often send `senderId`; it is never trusted).
 */
import { Type, type Static, type TLiteral, type TSchema, type TUnion } from '@sinclair/typebox';
import { LIMITS } from './limits.js';
import { SENDABLE_MESSAGE_TYPES } from './model.js';

/**
 * Every string a client sends must be storable text. PostgreSQL holds neither NUL nor a lone
 * UTF-16 surrogate (JSON can carry one as "\ud800"; it has no UTF-8 form): the drivers would
 * silently store U+FFFD in its place, so the stored message would differ from the one
 * acknowledged, and `jsonb` refuses it late, as a 500. So the schema refuses both at the door:
 * any character but NUL and surrogates, or a surrogate pair. The alternatives never overlap, so matching stays linear; it means the same with and
 * without the regular expression `u` flag (Ajv sets it, TypeBox does not).
 */
export const WELL_FORMED_TEXT = '^(?:[^\\u0000\\ud800-\\udfff]|[\\ud800-\\udbff][\\udc00-\\udfff])*$';
const Text = (options: { minLength?: number; maxLength: number; description?: string }) => Type.String({ ...options, pattern: WELL_FORMED_TEXT });

export const Id = Type.Integer({ minimum: 1, maximum: LIMITS.maxId, description: 'positive 64-bit id within JSON number precision' });
const Seq = Type.Integer({ minimum: 0, maximum: LIMITS.maxId });
const literalUnion = <T extends readonly string[]>(values: T) =>
  Type.Union(values.map((v) => Type.Literal(v))) as unknown as TUnion<TLiteral<T[number]>[]>;

export const ClientMsgId = Type.Union([
  Text({ minLength: 1, maxLength: LIMITS.clientMsgIdMaxChars }),
  Type.Integer({ minimum: 0, maximum: LIMITS.maxId }),
]);

export const SendMessageBody = Type.Object({
  receiverId: Id,
  messageType: literalUnion(SENDABLE_MESSAGE_TYPES),
  // Per-type rules (trimmed length, URL ownership) are domain rules; this bounds the size.
  content: Text({ maxLength: 20_000 }),
  clientMsgId: ClientMsgId,
  extra: Type.Optional(Type.Union([Type.Record(Type.String(), Type.Unknown()), Type.Null()])),
  /** The message of the same conversation this one replies to. */
  replyToId: Type.Optional(Type.Union([Id, Type.Null()])),
});
export type SendMessageBody = Static<typeof SendMessageBody>;

export const MarkReadBody = Type.Object({ upToSeq: Type.Optional(Seq) });
export type MarkReadBody = Static<typeof MarkReadBody>;

export const StompMarkReadBody = Type.Object({ conversationId: Id, upToSeq: Type.Optional(Seq) });
export type StompMarkReadBody = Static<typeof StompMarkReadBody>;

export const TypingBody = Type.Object({ receiverId: Id, typing: Type.Boolean() });
export type TypingBody = Static<typeof TypingBody>;

export const ExchangeKindSchema = literalUnion(['WECHAT', 'PHOTO'] as const);

export const ExchangeRequestBody = Type.Object({ receiverId: Id, kind: ExchangeKindSchema });
export type ExchangeRequestBody = Static<typeof ExchangeRequestBody>;

export const ExchangeRespondBody = Type.Object({ accept: Type.Boolean() });
export type ExchangeRespondBody = Static<typeof ExchangeRespondBody>;

export const StompExchangeRespondBody = Type.Object({ messageId: Id, accept: Type.Boolean() });
export type StompExchangeRespondBody = Static<typeof StompExchangeRespondBody>;

export const RecallBody = Type.Object({ messageId: Id });
export type RecallBody = Static<typeof RecallBody>;

export const EditBody = Type.Object({ content: Text({ maxLength: 20_000 }) });
export type EditBody = Static<typeof EditBody>;

export const StompEditBody = Type.Object({ messageId: Id, content: Text({ maxLength: 20_000 }) });
export type StompEditBody = Static<typeof StompEditBody>;

// The length in characters is a domain rule (code points, so a flag counts once); this bounds the size.
const Reaction = Text({ minLength: 1, maxLength: 64 });

export const ReactionBody = Type.Object({ emoji: Reaction });
export type ReactionBody = Static<typeof ReactionBody>;

/** `emoji` null removes the caller's reaction. */
export const StompReactBody = Type.Object({ messageId: Id, emoji: Type.Union([Reaction, Type.Null()]) });
export type StompReactBody = Static<typeof StompReactBody>;

export const DevTokenBody = Type.Object({
  userId: Id,
  name: Type.Optional(Text({ minLength: 1, maxLength: 64 })),
  avatar: Type.Optional(Text({ maxLength: 2048 })),
});
export type DevTokenBody = Static<typeof DevTokenBody>;

export const AdminUserBody = Type.Object({
  name: Type.Optional(Type.Union([Text({ maxLength: 64 }), Type.Null()])),
  avatarUrl: Type.Optional(Type.Union([Text({ maxLength: 2048 }), Type.Null()])),
  wechatId: Type.Optional(Type.Union([Text({ minLength: 1, maxLength: 64 }), Type.Null()])),
  photoUrls: Type.Optional(Type.Array(Text({ minLength: 1, maxLength: 2048 }), { maxItems: 20 })),
});
export type AdminUserBody = Static<typeof AdminUserBody>;

export const HistoryQuery = Type.Object({
  beforeSeq: Type.Optional(Seq),
  afterSeq: Type.Optional(Seq),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: LIMITS.historyMaxLimit })),
});
export type HistoryQuery = Static<typeof HistoryQuery>;

export const ConversationsQuery = Type.Object({
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: LIMITS.conversationsMaxLimit })),
  before: Type.Optional(Text({ maxLength: 200 })),
  /** true: the archived conversations (only those); otherwise they are left out. */
  archived: Type.Optional(Type.Boolean()),
});
export type ConversationsQuery = Static<typeof ConversationsQuery>;

export const SyncQuery = Type.Object({
  since: Type.Optional(Seq),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: LIMITS.syncMaxLimit })),
});
export type SyncQuery = Static<typeof SyncQuery>;

export const PresenceQuery = Type.Object({
  ids: Type.String({ pattern: '^[0-9]{1,16}(,[0-9]{1,16}){0,199}$', description: 'comma-separated user ids (at most 200)' }),
});
export type PresenceQuery = Static<typeof PresenceQuery>;

/** SignalR `SendMessage` argument, in the ChatHub shape of docs/signalr.md (integer messageType, seconds for voice). */
export const HubSendMessageDto = Type.Object({
  tempId: Type.Optional(Type.Union([ClientMsgId, Type.Null()])),
  sessionId: Type.Optional(Type.Union([Id, Type.Null()])),
  receiverId: Id,
  messageType: Type.Integer({ minimum: 1, maximum: 10 }),
  content: Type.Optional(Type.Union([Text({ maxLength: 20_000 }), Type.Null()])),
  voiceUrl: Type.Optional(Type.Union([Text({ maxLength: 2048 }), Type.Null()])),
  voiceDuration: Type.Optional(Type.Union([Type.Number({ minimum: 0, maximum: 300 }), Type.Null()])),
  extraData: Type.Optional(Type.Union([Text({ maxLength: 20_000 }), Type.Null()])),
  replyToId: Type.Optional(Type.Union([Id, Type.Null()])),
});
export type HubSendMessageDto = Static<typeof HubSendMessageDto>;

export type { Static, TSchema };
