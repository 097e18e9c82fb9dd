/**
 * Who may change a stored message after sending it, and how: the sender edits a TEXT message
 * within the edit window; either participant reacts to a message with one short emoji. Pure:
 * the services load the message and apply these before writing.
 */
import { LIMITS, type Message } from '@parley/protocol';
import { AppError } from './app-error.js';
import { charLength } from './message-rules.js';

/** Throws unless `editorId` may edit `message` now. */
export function checkEditable(message: Message, editorId: number, now: Date, windowMs: number): void {
  if (message.senderId !== editorId) throw new AppError('FORBIDDEN', 'only the sender can edit a message');
  if (message.messageType !== 'TEXT') throw new AppError('VALIDATION_FAILED', 'messageId: only TEXT messages can be edited');
  if (message.status === 'RECALLED') throw new AppError('VALIDATION_FAILED', 'messageId: a recalled message cannot be edited');
  if (windowMs <= 0) throw new AppError('EDIT_WINDOW_PASSED', 'editing messages is turned off');
  if (now.getTime() - Date.parse(message.createdAt) > windowMs) {
    throw new AppError('EDIT_WINDOW_PASSED', `a message can be edited within ${describeWindow(windowMs)} of sending`);
  }
}

/** Throws unless `message` can take reactions: a recalled message shows nothing to react to. */
export function checkReactable(message: Message): void {
  if (message.status === 'RECALLED') throw new AppError('VALIDATION_FAILED', 'messageId: a recalled message cannot take reactions');
}

/**
 * A reaction as stored: 1–16 characters (code points, so a flag or a family emoji fits) with no
 * spaces or control characters; any emoji or a short sticker code such as `[微笑]`.
 */
export function checkReaction(emoji: string): string {
  const length = charLength(emoji);
  if (length < 1 || length > LIMITS.reactionMaxChars || /[\s\p{Cc}]/u.test(emoji)) {
    throw new AppError('VALIDATION_FAILED', `emoji: 1–${LIMITS.reactionMaxChars} characters without spaces`);
  }
  return emoji;
}

function describeWindow(ms: number): string {
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000} hour${ms === 3_600_000 ? '' : 's'}`;
  if (ms % 60_000 === 0) return `${ms / 60_000} minute${ms === 60_000 ? '' : 's'}`;
  return `${ms / 1000} seconds`;
}
