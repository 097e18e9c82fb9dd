import type { ExchangeAnswer, ExchangeKind, Message } from '@parley/protocol';
import { AppError } from '../domain/app-error.js';
import { exchangeAnswerFor, exchangeKindOfRequest, type AnsweredExchange } from '../domain/exchange.js';
import type { BlockStore } from '../ports/block-store.js';
import type { MessageStore } from '../ports/message-store.js';
import type { ExchangeReveal } from '../ports/message-store.js';
import { exchangedDataOf, type UserProfile, type UserStore } from '../ports/user-store.js';
import type { DeliveryService } from './delivery-service.js';
import type { MessagePublisher } from './message-publisher.js';
import type { RestrictionService } from './restriction-service.js';
import type { UnmatchService } from './unmatch-service.js';
import { recipientsOf } from './recipients.js';
import type { SendBudget } from './send-budget.js';

const WHAT: Record<ExchangeKind, string> = { WECHAT: 'a WeChat id', PHOTO: 'photos' };

export interface ExchangeRequestResult {
  message: Message;
  userSeq: number | null;
  /** False when a pending request of that kind already existed and was returned instead. */
  created: boolean;
}

export interface ExchangeResponseResult {
  request: Message;
  result: Message;
  answer: ExchangeAnswer;
  userSeq: number | null;
}

/**
 * Consent-based exchange of WeChat ids and photos (docs/operations.md). Private data leaves the
 * server only in the answer to an accepted request, and each side gets only the other's.
 */
export class ExchangeService {
  constructor(
    private readonly deps: {
      messages: MessageStore;
      users: UserStore;
      blocks: BlockStore;
      delivery: DeliveryService;
      budget: SendBudget;
      publisher: MessagePublisher;
      restrictions: RestrictionService;
      unmatches: UnmatchService;
    },
  ) {}

  async request(requesterId: number, receiverId: number, kind: ExchangeKind, originSessionId?: string): Promise<ExchangeRequestResult> {
    if (receiverId === requesterId) throw new AppError('SELF_CHAT', 'receiverId: you cannot exchange with yourself');
    const [requester, receiver] = await Promise.all([this.deps.users.get(requesterId), this.deps.users.get(receiverId)]);
    if (!receiver) throw new AppError('USER_NOT_FOUND', `user ${receiverId} does not exist`);
    await this.deps.restrictions.assertMaySend(requesterId);
    if (await this.deps.blocks.isBlocked(receiverId, requesterId)) throw new AppError('BLOCKED', 'the receiver does not accept your messages');
    await this.deps.unmatches.assertMatched(requesterId, receiverId);
    if (!requester || !exchangedDataOf(requester, kind)) {
      throw new AppError('PROFILE_INCOMPLETE', `add ${WHAT[kind]} to your profile before asking for an exchange`);
    }
    await this.deps.budget.spend(requesterId);
    const outcome = await this.deps.messages.requestExchange(requesterId, receiverId, kind);
    if (outcome.kind === 'pending') return { message: outcome.message, userSeq: null, created: false };
    await this.deps.publisher.publish(outcome.message, outcome.userSeqs, originSessionId);
    return { message: outcome.message, userSeq: outcome.userSeqs.get(requesterId) ?? null, created: true };
  }

  async respond(responderId: number, requestId: number, accept: boolean, originSessionId?: string): Promise<ExchangeResponseResult> {
    const request = await this.deps.messages.getById(requestId, responderId);
    if (!request) throw new AppError('MESSAGE_NOT_FOUND', `message ${requestId} does not exist`);
    const kind = exchangeKindOfRequest(request.messageType);
    if (request.senderId !== responderId && request.receiverId !== responderId) throw new AppError('FORBIDDEN', 'not your conversation');
    if (!kind) throw new AppError('VALIDATION_FAILED', `messageId: message ${requestId} is not an exchange request`);
    if (request.receiverId !== responderId) throw new AppError('FORBIDDEN', 'only the receiver of the request can answer it');
    if (request.extra?.exchangeStatus !== 'PENDING') throw new AppError('EXCHANGE_NOT_PENDING', 'this request was already answered');
    await this.deps.restrictions.assertMaySend(responderId);

    const reveal = accept ? (requester: UserProfile | null, responder: UserProfile | null) => bothSides(kind, request.senderId, requester, responder) : null;
    const outcome = await this.deps.messages.respondExchange({ requestId, responderId, accept, reveal });
    if (outcome.kind === 'not-pending') throw new AppError('EXCHANGE_NOT_PENDING', 'this request was already answered');

    const { requesterId, revealed } = outcome;
    const requesterView = await this.deps.messages.getById(outcome.result.id, requesterId);
    await this.deps.publisher.publish(outcome.result, outcome.resultUserSeqs, originSessionId, new Map([[requesterId, requesterView ?? outcome.result]]));
    const answered: AnsweredExchange = { requestId, requesterId, responderId, kind: outcome.exchangeKind, accepted: accept, revealed: revealed ?? null };
    const answerFor = (viewerId: number): ExchangeAnswer => exchangeAnswerFor(viewerId, answered);
    const answer = answerFor(responderId);
    await this.deps.delivery.publish({
      kind: 'exchange',
      body: answer,
      recipients: recipientsOf(outcome.userSeqs, [requesterId, responderId], new Map([[requesterId, answerFor(requesterId)]])),
      ...(originSessionId ? { originSessionId } : {}),
    });
    return { request: outcome.request, result: outcome.result, answer, userSeq: outcome.userSeqs.get(responderId) ?? null };
  }
}

/**
 * An exchange reveals both sides or nothing. Called by the store inside the answering
 * transaction, so the profiles are those at commit; throwing leaves the request pending, and
 * the requester can still have it answered once their profile is complete again.
 */
function bothSides(kind: ExchangeKind, requesterId: number, requester: UserProfile | null, responder: UserProfile | null): ExchangeReveal {
  const responderData = responder && exchangedDataOf(responder, kind);
  if (!responderData) throw new AppError('PROFILE_INCOMPLETE', `add ${WHAT[kind]} to your profile before accepting`);
  const requesterData = requester && exchangedDataOf(requester, kind);
  if (!requesterData) {
    throw new AppError(
      'PROFILE_INCOMPLETE',
      `the requester (user ${requesterId}) no longer has ${WHAT[kind]} in their profile: nothing was revealed, and the request stays pending until they add it`,
    );
  }
  return { requester: requesterData, responder: responderData };
}
