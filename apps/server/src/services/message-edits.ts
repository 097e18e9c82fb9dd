import type { Message, ReactionNotice } from '@parley/protocol';
import { AppError } from '../domain/app-error.js';
import { checkEditable, checkReactable, checkReaction } from '../domain/message-edit-rules.js';
import { checkOutgoingContent } from '../domain/message-rules.js';
import { withReadStateFor } from '../domain/read-receipts.js';
import type { BlockStore } from '../ports/block-store.js';
import type { Clock } from '../ports/clock.js';
import type { MessageEditStore } from '../ports/message-edit-store.js';
import type { MessageStore } from '../ports/message-store.js';
import type { UserSettingsStore } from '../ports/user-settings-store.js';
import type { ContentScreening, MaskedBy } from './content-screening.js';
import type { DeliveryService } from './delivery-service.js';
import type { RestrictionService } from './restriction-service.js';
import { recipientsOf } from './recipients.js';
import { visibleMessage, type MessageVisibility } from './visible-message.js';
import type { SendBudget } from './send-budget.js';

export interface MessageEditDeps {
  messages: MessageStore;
  edits: MessageEditStore;
  blocks: BlockStore;
  budget: SendBudget;
  delivery: DeliveryService;
  clock: Clock;
  /** How long after sending the sender may edit a TEXT message. */
  editWindowMs: number;
  /** A muted user may not put new words or reactions in front of anyone (USER_MUTED); absent: nobody is. */
  restrictions?: Pick<RestrictionService, 'assertMaySend'>;
  /** What each user still sees of their conversations: a message hidden for them or unmatched cannot be edited or reacted to. */
  visibility?: MessageVisibility;
  /** The contact guard and word filter a sent text goes through, applied again to the edited one. Absent: stored as checked. */
  screening?: Pick<ContentScreening, 'screenText'>;
  /** Read-receipt privacy: the edited message tells its sender whether it was read only while both share receipts. Absent: everyone does. */
  settings?: Pick<UserSettingsStore, 'withReadReceiptsOff'>;
}

export interface EditResult {
  message: Message;
  /** The editor's userSeq for the edit; null when the content was already this (nothing logged). */
  userSeq: number | null;
}

export interface ReactResult {
  notice: ReactionNotice;
  /** The reactor's userSeq for the change; null when their reaction already was this (nothing logged). */
  userSeq: number | null;
}

/**
 * Changes to a sent message: the sender edits a TEXT message, either participant reacts. Both
 * spend from the send budget (each change is pushed to two users' devices, like a message) and
 * publish only after the change committed. A repeat that changes nothing answers the current
 * state and logs and pushes nothing, so a client may retry either safely.
 */
export class MessageEditService {
  constructor(private readonly deps: MessageEditDeps) {}

  async edit(userId: number, messageId: number, rawContent: string, originSessionId?: string): Promise<EditResult> {
    const message = await this.visibleMessage(userId, messageId);
    checkEditable(message, userId, this.deps.clock.now(), this.deps.editWindowMs);
    const { content } = checkOutgoingContent('TEXT', rawContent, null);
    await this.requireNotBlockedBy(message.receiverId, userId);
    await this.deps.restrictions?.assertMaySend(userId);
    await this.deps.budget.spend(userId);
    const screened = this.deps.screening
      ? await this.deps.screening.screenText({ senderId: userId, receiverId: message.receiverId, content })
      : { content, masked: [] };
    const outcome = await this.deps.edits.editText({ messageId, content: screened.content, extra: withMasking(message.extra, screened.masked) });
    switch (outcome.kind) {
      case 'recalled':
        throw new AppError('VALIDATION_FAILED', 'messageId: a recalled message cannot be edited');
      case 'unchanged':
        return { message: outcome.message, userSeq: null };
      case 'edited': {
        const off = (await this.deps.settings?.withReadReceiptsOff([message.senderId, message.receiverId])) ?? new Set<number>();
        const asSenderSees = withReadStateFor(outcome.message, message.senderId, off);
        await this.deps.delivery.publish({
          kind: 'edit',
          body: outcome.message,
          recipients: recipientsOf(outcome.userSeqs, [message.senderId, message.receiverId], new Map([[message.senderId, asSenderSees]])),
          ...(originSessionId ? { originSessionId } : {}),
        });
        return { message: asSenderSees, userSeq: outcome.userSeqs.get(userId) ?? null };
      }
    }
  }

  /** Sets or replaces the caller's reaction to a message; `emoji` null removes it. */
  async react(userId: number, messageId: number, emoji: string | null, originSessionId?: string): Promise<ReactResult> {
    const message = await this.visibleMessage(userId, messageId);
    checkReactable(message);
    const reaction = emoji === null ? null : checkReaction(emoji);
    const peerId = message.senderId === userId ? message.receiverId : message.senderId;
    // Taking a reaction back is always allowed; adding one reaches the peer, like a message.
    if (reaction !== null) {
      await this.requireNotBlockedBy(peerId, userId);
      await this.deps.restrictions?.assertMaySend(userId);
    }
    await this.deps.budget.spend(userId);
    const outcome = await this.deps.edits.react({ messageId, userId, emoji: reaction });
    switch (outcome.kind) {
      case 'recalled':
        throw new AppError('VALIDATION_FAILED', 'messageId: a recalled message cannot take reactions');
      case 'unchanged':
        return { notice: outcome.notice, userSeq: null };
      case 'changed':
        await this.deps.delivery.publish({
          kind: 'reaction',
          body: outcome.notice,
          recipients: recipientsOf(outcome.userSeqs, [message.senderId, message.receiverId]),
          ...(originSessionId ? { originSessionId } : {}),
        });
        return { notice: outcome.notice, userSeq: outcome.userSeqs.get(userId) ?? null };
    }
  }

  private visibleMessage(userId: number, messageId: number): Promise<Message> {
    return visibleMessage(this.deps.messages, this.deps.visibility, userId, messageId);
  }

  private async requireNotBlockedBy(peerId: number, userId: number): Promise<void> {
    if (await this.deps.blocks.isBlocked(peerId, userId)) throw new AppError('BLOCKED', 'the receiver does not accept your messages');
  }
}

/** The message's `extra` with the masking of the new text in place of the old. */
function withMasking(extra: Record<string, unknown> | null, masked: readonly MaskedBy[]): Record<string, unknown> | null {
  const { masked: _previous, ...rest } = extra ?? {};
  if (masked.length > 0) return { ...rest, masked: [...masked] };
  return Object.keys(rest).length > 0 ? rest : null;
}
