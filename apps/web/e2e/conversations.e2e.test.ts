// @vitest-environment node
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { translate, type Locale, type MessageKey } from '../src/i18n.js';
import { api, devToken, ensureWebBuilt, eventually, launchChromium, openChat, send, sendTexts, signedInPage, startServer, type TestServer } from './support.js';

/** `PARLEY_SCREENSHOTS=1` refreshes docs/screenshots; otherwise they go to a temporary folder. */
const screenshots = process.env.PARLEY_SCREENSHOTS
  ? fileURLToPath(new URL('../../../docs/screenshots/', import.meta.url))
  : `${tmpdir()}/parley-screenshots/`;

let server: TestServer;
let browser: Browser;

interface ListedConversation {
  peer: { id: number };
  pinned: boolean;
}

/** The message whose own text (not a quote of it) shows `text`. */
const bubble = (page: Page, text: string) => page.locator('[data-testid="message"]').filter({ has: page.locator('p.text', { hasText: text }) });
const row = (page: Page, peerId: number) => page.locator(`.conversation[data-peer="${peerId}"]`);

/** Opens the menu of the message showing `text` and picks `item` (an i18n key, or a label). */
async function messageMenu(page: Page, locale: Locale, text: string, item: MessageKey | { label: string }): Promise<void> {
  await bubble(page, text).getByRole('button', { name: translate(locale, 'messageMenu') }).click();
  const name = typeof item === 'string' ? translate(locale, item) : item.label;
  await page.getByRole('menuitem', { name, exact: true }).click();
}

/**
 * One pair of users (and a third who writes to Alice) in one language: reply with a quote that
 * jumps to the original, a reaction, an edit with its mark, search that opens an older message,
 * a pin that puts the conversation first, and an archive.
 */
async function conversationScenario(locale: Locale, aliceId: number, bobId: number, carolId: number): Promise<void> {
  const options = { locale: locale === 'zh-CN' ? 'zh-CN' : 'en-US' };
  const t = (key: MessageKey, params?: Record<string, string | number>) => translate(locale, key, params);
  const aliceToken = await devToken(server.baseUrl, aliceId, 'Alice');
  const bobToken = await devToken(server.baseUrl, bobId, 'Bob');
  // An older message with a word to find, buried under more than one page of later ones.
  await sendTexts(server.baseUrl, bobToken, aliceId, `needle in the haystack ${locale}`, 1);
  await sendTexts(server.baseUrl, bobToken, aliceId, 'filler', 45);
  const alice = await signedInPage(browser, server.baseUrl, aliceId, 'Alice', options);
  const bob = await signedInPage(browser, server.baseUrl, bobId, 'Bob', options);
  try {
    await openChat(alice, locale, bobId);
    await send(alice, locale, 'original words');
    await row(bob, aliceId).click();
    await bubble(bob, 'original words').waitFor({ timeout: 30_000 });

    // Reply: Bob quotes Alice's message; Alice sees the quote and jumps to the original with it.
    await messageMenu(bob, locale, 'original words', 'reply');
    await bob.locator('[data-testid="composer-context"]', { hasText: t('replyingTo', { name: 'Alice' }) }).waitFor();
    await send(bob, locale, 'my answer');
    const reply = bubble(alice, 'my answer');
    await reply.locator('[data-testid="quote"]', { hasText: 'original words' }).waitFor({ timeout: 30_000 });
    await reply.locator('[data-testid="quote"]').click();
    await alice.locator('.bubble.focused', { hasText: 'original words' }).waitFor({ timeout: 30_000 });

    // React: Alice reacts to the reply, Bob sees the chip.
    await messageMenu(alice, locale, 'my answer', { label: `${t('react')} 👍` });
    await bubble(bob, 'my answer').locator('[data-testid="reaction"]', { hasText: '👍' }).waitFor({ timeout: 30_000 });
    expect((await bubble(bob, 'my answer').locator('[data-testid="reaction"] .count').textContent())?.trim()).toBe('1');

    // Edit: Alice changes her text; Bob sees the new words with the "edited" mark.
    await messageMenu(alice, locale, 'original words', 'edit');
    const box = alice.getByRole('textbox', { name: t('messageInput') });
    await eventually(async () => (await box.inputValue()) === 'original words', 'the edited text in the composer');
    await box.fill('corrected words');
    await box.press('Enter');
    const edited = bubble(bob, 'corrected words');
    await edited.locator('[data-testid="edited-mark"]', { hasText: t('edited') }).waitFor({ timeout: 30_000 });
    await eventually(async () => (await box.inputValue()) === '', 'the composer empty after the edit');
    // English only: the test machine may lack CJK fonts.
    if (locale === 'en') await bob.screenshot({ path: `${screenshots}reply-reaction-edit-${locale}.png` });

    // Search: a hit, highlighted, opens the chat at that older message.
    const search = alice.getByRole('searchbox', { name: t('search') });
    await search.fill('needle');
    const hit = alice.locator('.search-hit', { hasText: 'needle in the haystack' });
    await hit.waitFor({ timeout: 30_000 });
    expect(await hit.locator('mark').textContent()).toBe('needle');
    await hit.click();
    await alice.locator('.bubble.focused', { hasText: `needle in the haystack ${locale}` }).waitFor({ timeout: 30_000 });
    await search.fill('');

    // Pin: Carol writes last, so Bob is second until Alice pins him.
    const carolToken = await devToken(server.baseUrl, carolId, 'Carol');
    await api(server.baseUrl, carolToken, 'POST', '/messages', { receiverId: aliceId, messageType: 'TEXT', content: 'hi from Carol', clientMsgId: `carol-${locale}` });
    await row(alice, carolId).waitFor({ timeout: 30_000 });
    const order = () => alice.locator('.conversation').evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-peer'))));
    await eventually(async () => (await order())[0] === carolId, 'Carol first before the pin');
    await row(alice, bobId).click();
    await alice.getByRole('button', { name: t('conversationMenu') }).click();
    await alice.getByRole('menuitem', { name: t('pin'), exact: true }).click();
    await row(alice, bobId).locator('[data-testid="pinned-mark"]').waitFor({ timeout: 30_000 });
    await eventually(async () => (await order())[0] === bobId, 'Bob first once pinned');
    const list = await api<{ items: ListedConversation[] }>(server.baseUrl, aliceToken, 'GET', '/messages/conversations');
    expect(list.items[0]).toMatchObject({ peer: { id: bobId }, pinned: true });

    // Archive: Carol leaves the main list for the "Archived" view.
    await row(alice, carolId).click();
    await alice.getByRole('button', { name: t('conversationMenu') }).click();
    await alice.getByRole('menuitem', { name: t('archive'), exact: true }).click();
    await row(alice, carolId).waitFor({ state: 'detached', timeout: 30_000 });
    await alice.locator('[data-testid="archived-view"]').click();
    await row(alice, carolId).waitFor({ timeout: 30_000 });
    expect(await row(alice, bobId).count()).toBe(0);
    await alice.getByRole('button', { name: t('backToChats') }).click();
    await row(alice, bobId).waitFor();
  } finally {
    await alice.context().close();
    await bob.context().close();
  }
}

describe('richer conversations in the web client (Chromium, real server)', () => {
  beforeAll(async () => {
    ensureWebBuilt();
    mkdirSync(screenshots, { recursive: true });
    // The seeded history is sent faster than the default burst allows.
    server = await startServer({ PARLEY_SEND_BURST: '500' });
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('reply, react, edit, search, pin and archive — in English', async () => {
    await conversationScenario('en', 6101, 6102, 6103);
  });

  it('reply, react, edit, search, pin and archive — in Chinese', async () => {
    await conversationScenario('zh-CN', 6201, 6202, 6203);
  });
});
