import { describe, expect, it } from 'vitest';
import { isAppError } from '../domain/app-error.js';
import type { WordLists } from '../domain/safety/word-matcher.js';
import type { SafetyStore, StoredWordLists } from '../ports/safety-store.js';
import { ContentScreening, withMasked, type ContactGuardMode } from './content-screening.js';
import { ModerationWords } from './moderation-words.js';

/** The safety store in memory: word lists and the pairs with an accepted WeChat exchange. */
class MemorySafetyStore implements SafetyStore {
  lists: StoredWordLists = { version: 0, block: [], mask: [] };
  readonly exchanged = new Set<string>();
  exchangeLookups = 0;
  async hasAcceptedWeChatExchange(a: number, b: number) {
    this.exchangeLookups++;
    return this.exchanged.has(`${Math.min(a, b)}:${Math.max(a, b)}`);
  }
  async wordListsVersion() {
    return this.lists.version;
  }
  async wordLists() {
    return this.lists;
  }
  async replaceWordLists(lists: WordLists) {
    this.lists = { version: this.lists.version + 1, block: [...lists.block], mask: [...lists.mask] };
    return this.lists.version;
  }
}

async function screening(mode: ContactGuardMode, lists: WordLists = { block: [], mask: [] }) {
  const store = new MemorySafetyStore();
  const words = new ModerationWords(store, (error) => {
    throw error;
  });
  await words.replace(lists);
  return { store, screening: new ContentScreening({ contactGuard: mode, words, store }) };
}

async function rejection(promise: Promise<unknown>) {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  if (!isAppError(error)) throw new Error(`expected an AppError, got ${String(error)}`);
  return { code: error.code, reason: error.reason };
}

const alice = 1;
const bob = 2;

describe('ContentScreening.screenText', () => {
  it('masks contact details in mask mode and says so', async () => {
    const { screening: s } = await screening('mask');
    expect(await s.screenText({ senderId: alice, receiverId: bob, content: '我的微信：abc_12345' })).toEqual({ content: '我的微信：*********', masked: ['CONTACT'] });
  });

  it('refuses contact details in block mode with reason CONTACT_INFO', async () => {
    const { screening: s } = await screening('block');
    expect(await rejection(s.screenText({ senderId: alice, receiverId: bob, content: '138 0013 8000' }))).toEqual({ code: 'CONTENT_REJECTED', reason: 'CONTACT_INFO' });
  });

  it('lets contact details through when off, or between users who accepted a WeChat exchange', async () => {
    const off = await screening('off');
    expect(await off.screening.screenText({ senderId: alice, receiverId: bob, content: '13800138000' })).toEqual({ content: '13800138000', masked: [] });
    const { store, screening: s } = await screening('block');
    store.exchanged.add(`${alice}:${bob}`);
    expect(await s.screenText({ senderId: bob, receiverId: alice, content: '13800138000' })).toEqual({ content: '13800138000', masked: [] });
  });

  it('asks the store about an exchange only when there is a contact detail, and remembers an accepted one', async () => {
    const { store, screening: s } = await screening('mask');
    await s.screenText({ senderId: alice, receiverId: bob, content: '明天 18:30 见，1388 元' });
    expect(store.exchangeLookups).toBe(0);
    store.exchanged.add(`${alice}:${bob}`);
    await s.screenText({ senderId: alice, receiverId: bob, content: '13800138000' });
    await s.screenText({ senderId: bob, receiverId: alice, content: '13800138000' });
    expect(store.exchangeLookups).toBe(1);
  });

  it('refuses a block word with reason WORDLIST and stars mask words, together with contact details', async () => {
    const { screening: s } = await screening('mask', { block: ['scam'], mask: ['darn'] });
    expect(await rejection(s.screenText({ senderId: alice, receiverId: bob, content: 'no s c a m here' }))).toEqual({ code: 'CONTENT_REJECTED', reason: 'WORDLIST' });
    expect(await s.screenText({ senderId: alice, receiverId: bob, content: 'ＤＡＲＮ, call 13800138000' })).toEqual({
      content: '****, call ***********',
      masked: ['CONTACT', 'WORDLIST'],
    });
  });

  it('checks the contact guard before the word list', async () => {
    const { screening: s } = await screening('block', { block: ['call'], mask: [] });
    expect(await rejection(s.screenText({ senderId: alice, receiverId: bob, content: 'call 13800138000' }))).toEqual({ code: 'CONTENT_REJECTED', reason: 'CONTACT_INFO' });
  });
});

describe('withMasked', () => {
  it('adds the controls to extra.masked once, keeping the rest of extra, and leaves extra alone when nothing was masked', () => {
    expect(withMasked(null, [])).toBeNull();
    expect(withMasked(null, ['CONTACT'])).toEqual({ masked: ['CONTACT'] });
    expect(withMasked({ replyTo: { id: 1 }, masked: ['CONTACT'] }, ['CONTACT', 'WORDLIST'])).toEqual({ replyTo: { id: 1 }, masked: ['CONTACT', 'WORDLIST'] });
  });
});

describe('ModerationWords', () => {
  it('refuses lists over the limits without storing them', async () => {
    const store = new MemorySafetyStore();
    const words = new ModerationWords(store, () => {});
    await expect(words.replace({ block: Array.from({ length: 10_001 }, (_, i) => `w${i}`), mask: [] })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    await expect(words.replace({ block: ['x'.repeat(65)], mask: [] })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    expect(store.lists.version).toBe(0);
  });

  it('picks up a change another node stored at its next refresh, and not before', async () => {
    const store = new MemorySafetyStore();
    const here = new ModerationWords(store, () => {});
    const elsewhere = new ModerationWords(store, () => {});
    await here.refresh();
    await elsewhere.replace({ block: ['spam'], mask: [] });
    expect(here.current().find('spam')).toEqual([]);
    await here.refresh();
    expect(here.current().find('spam')).toMatchObject([{ list: 'block', word: 'spam' }]);
    expect(await here.lists()).toEqual({ block: ['spam'], mask: [] });
  });
});
