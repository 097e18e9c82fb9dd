/**
 * The operations a client can ask for, once for every door: each command names its payload
 * schema (validated at the door) and its canonical result. A door offers a command under its own
 * name (a STOMP destination, a SignalR hub method, a REST route); those tables are keyed by
 * `CommandName`, so a command added here is a compile error at every door that lacks it.
 * docs/operations.md lists every command on every door.
 */
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import type { ExchangeAnswer, Message, ReactionNotice } from './model.js';
import { ExchangeRequestBody, Id, RecallBody, SendMessageBody, StompExchangeRespondBody, StompEditBody, StompMarkReadBody, StompReactBody, TypingBody } from './schemas.js';
import { ReportBody, UnmatchBody, type Report, type UnmatchResult } from './safety-actions.js';
import { ClearConversationBody, HideMessageBody, StompConversationSettingsBody, type ConversationCleared, type ConversationSettings, type HideNotice } from './conversation-state.js';

export const GetMessageBody = Type.Object({ messageId: Id });
export type GetMessageBody = Static<typeof GetMessageBody>;

/** A result type carried by the command table without a runtime value. */
export interface Returns<T> {
  readonly result?: T;
}
const returns = <T>(): Returns<T> => ({});

/** A logged change's position in the caller's update log; absent for a repeat that logged nothing. */
export interface WithUserSeq {
  userSeq?: number;
}

export interface ReadMark {
  conversationId: number;
  readUpToSeq: number;
  unreadCount: number;
}

export interface ExchangeRespondResult {
  /** The EXCHANGE_*_RESULT message the answer stored. */
  result: Message;
  /** The answer as the responder sees it (`exchangedData` is the requester's side). */
  answer: ExchangeAnswer;
}

export const COMMANDS = {
  send: { payload: SendMessageBody, result: returns<Message & WithUserSeq>() },
  markRead: { payload: StompMarkReadBody, result: returns<ReadMark & WithUserSeq>() },
  typing: { payload: TypingBody, result: returns<void>() },
  requestExchange: { payload: ExchangeRequestBody, result: returns<Message & WithUserSeq>() },
  respondExchange: { payload: StompExchangeRespondBody, result: returns<ExchangeRespondResult & WithUserSeq>() },
  recall: { payload: RecallBody, result: returns<Message & WithUserSeq>() },
  getMessage: { payload: GetMessageBody, result: returns<Message>() },
  edit: { payload: StompEditBody, result: returns<Message & WithUserSeq>() },
  react: { payload: StompReactBody, result: returns<ReactionNotice & WithUserSeq>() },
  report: { payload: ReportBody, result: returns<Report>() },
  unmatch: { payload: UnmatchBody, result: returns<UnmatchResult & WithUserSeq>() },
  hideMessage: { payload: HideMessageBody, result: returns<HideNotice & WithUserSeq>() },
  updateConversation: { payload: StompConversationSettingsBody, result: returns<ConversationSettings & WithUserSeq>() },
  clearConversation: { payload: ClearConversationBody, result: returns<ConversationCleared & WithUserSeq>() },
} as const satisfies Record<string, { payload: TSchema; result: Returns<unknown> }>;

export type CommandName = keyof typeof COMMANDS;
export const COMMAND_NAMES = Object.keys(COMMANDS) as CommandName[];
export type CommandPayload<N extends CommandName> = Static<(typeof COMMANDS)[N]['payload']>;
export type CommandResult<N extends CommandName> = (typeof COMMANDS)[N]['result'] extends Returns<infer R> ? R : never;
