import { AppError } from '../domain/app-error.js';
import { pairKey } from '../domain/conversation-pair.js';
import { detectContacts } from '../domain/safety/contact-detector.js';
import { maskSpans, type TextSpan } from '../domain/safety/masking.js';
import type { SafetyStore } from '../ports/safety-store.js';
import type { ModerationWords } from './moderation-words.js';

/** What the contact guard does with contact details between users without an accepted WeChat exchange. */
export type ContactGuardMode = 'mask' | 'block' | 'off';

export type MaskedBy = 'CONTACT' | 'WORDLIST';

export interface ScreenedText {
  /** The content to store: as given, or with the masked spans starred. */
  content: string;
  /** Which controls masked something; empty when nothing was. */
  masked: MaskedBy[];
}

export interface ContentScreeningDeps {
  contactGuard: ContactGuardMode;
  words: ModerationWords;
  store: SafetyStore;
}

/** Pairs known to have an accepted WeChat exchange; an exchange is never un-accepted, so entries never go stale. */
const MAX_REMEMBERED_PAIRS = 100_000;

/**
 * The content rules of TEXT sends and edits: the contact guard and the word filter. Both read
 * the original text and report spans of it, so a word inside a phone number and the number
 * itself are masked as one. The before-send hook is not part of this (sends only).
 */
export class ContentScreening {
  private readonly exchanged = new Set<string>();

  constructor(private readonly deps: ContentScreeningDeps) {}

  /** Throws CONTENT_REJECTED (reason CONTACT_INFO or WORDLIST), or returns the content to store. */
  async screenText({ senderId, receiverId, content }: { senderId: number; receiverId: number; content: string }): Promise<ScreenedText> {
    const masked: MaskedBy[] = [];
    const spans: TextSpan[] = [];
    if (this.deps.contactGuard !== 'off') {
      const contacts = detectContacts(content);
      // The database is asked only when there is something to guard: ordinary messages cost nothing.
      if (contacts.length > 0 && !(await this.haveExchangedWeChat(senderId, receiverId))) {
        if (this.deps.contactGuard === 'block') {
          throw new AppError('CONTENT_REJECTED', 'content: contact details can be shared only through an accepted WeChat exchange', undefined, {
            reason: 'CONTACT_INFO',
          });
        }
        spans.push(...contacts);
        masked.push('CONTACT');
      }
    }
    const words = this.deps.words.current().find(content);
    if (words.some((match) => match.list === 'block')) {
      throw new AppError('CONTENT_REJECTED', 'content: contains a word that is not allowed', undefined, { reason: 'WORDLIST' });
    }
    if (words.length > 0) {
      spans.push(...words);
      masked.push('WORDLIST');
    }
    return { content: spans.length > 0 ? maskSpans(content, spans) : content, masked };
  }

  private async haveExchangedWeChat(senderId: number, receiverId: number): Promise<boolean> {
    const key = pairKey(senderId, receiverId);
    if (this.exchanged.has(key)) return true;
    const accepted = await this.deps.store.hasAcceptedWeChatExchange(senderId, receiverId);
    if (accepted) {
      if (this.exchanged.size >= MAX_REMEMBERED_PAIRS) this.exchanged.clear();
      this.exchanged.add(key);
    }
    return accepted;
  }
}

/** `extra` with the controls that masked the content added to `extra.masked`; unchanged when nothing was masked. */
export function withMasked(extra: Record<string, unknown> | null, masked: readonly MaskedBy[]): Record<string, unknown> | null {
  if (masked.length === 0) return extra;
  const previous = Array.isArray(extra?.masked) ? (extra.masked as MaskedBy[]) : [];
  return { ...(extra ?? {}), masked: [...new Set([...previous, ...masked])] };
}
