// @vitest-environment node
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureWebBuilt, eventually, launchChromium, signedInPage, startServer, type TestServer } from './support.js';

/** `PARLEY_SCREENSHOTS=1` refreshes docs/screenshots; otherwise they go to a temporary folder. */
const screenshots = process.env.PARLEY_SCREENSHOTS
  ? fileURLToPath(new URL('../../../docs/screenshots/', import.meta.url))
  : `${tmpdir()}/parley-screenshots/`;
const PNG_1x1 = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');

let server: TestServer;
let browser: Browser;
let alice: Page;
let bob: Page;
const dialogs: string[] = [];

const ALICE = 3001;
const BOB = 3002;

const bubbles = (page: Page, text: string) => page.locator('[data-testid="message"] .text', { hasText: text });
const conversationWith = (page: Page, peerId: number) => page.locator(`.conversation[data-peer="${peerId}"]`);

async function send(page: Page, text: string) {
  const box = page.getByRole('textbox', { name: 'Message' });
  await box.fill(text);
  await box.press('Enter');
}

async function countExact(page: Page, text: string): Promise<number> {
  return page.locator('[data-testid="message"] .text').evaluateAll((els, t) => els.filter((e) => e.textContent === t).length, text);
}

describe('web client in Chromium against the real server', () => {
  beforeAll(async () => {
    ensureWebBuilt();
    mkdirSync(screenshots, { recursive: true });
    server = await startServer();
    browser = await launchChromium();
    alice = await signedInPage(browser, server.baseUrl, ALICE, 'Alice');
    bob = await signedInPage(browser, server.baseUrl, BOB, 'Bob');
    for (const page of [alice, bob]) page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('text both ways with unread badge, read ticks and typing indicator', async () => {
    await alice.getByRole('textbox', { name: 'Start a chat with user id' }).fill(String(BOB));
    await alice.getByRole('button', { name: 'Open' }).click();
    await send(alice, 'Hello Bob');
    await bubbles(alice, 'Hello Bob').waitFor();

    const badge = conversationWith(bob, ALICE).locator('[data-testid="unread-badge"]');
    await badge.waitFor({ timeout: 30_000 });
    expect(await badge.textContent()).toBe('1');
    await eventually(async () => (await bob.title()) === '(1) Parley', 'unread count in the title');

    await conversationWith(bob, ALICE).click();
    await bubbles(bob, 'Hello Bob').waitFor();
    await badge.waitFor({ state: 'detached' });
    await eventually(async () => (await bob.title()) === 'Parley', 'title cleared');
    await alice.locator('[data-tick="read"]').first().waitFor({ timeout: 30_000 });

    await bob.getByRole('textbox', { name: 'Message' }).pressSequentially('typing…');
    await alice.locator('[data-testid="typing-indicator"]').waitFor({ timeout: 30_000 });
    await bob.getByRole('textbox', { name: 'Message' }).fill('');
    await send(bob, 'Hi Alice');
    await bubbles(alice, 'Hi Alice').waitFor();
    await alice.locator('[data-testid="typing-indicator"]').waitFor({ state: 'detached', timeout: 30_000 });
  });

  it('sends a sticker', async () => {
    await bob.getByRole('button', { name: 'Emoji and stickers' }).click();
    await bob.locator('[data-sticker="heart"]').click();
    await alice.locator('.sticker', { hasText: '❤️' }).waitFor({ timeout: 30_000 });
  });

  it('uploads an image that the peer sees', async () => {
    await alice.locator('[data-testid="image-input"]').setInputFiles({ name: 'dot.png', mimeType: 'image/png', buffer: PNG_1x1 });
    const img = bob.locator('.bubble .image img');
    await img.waitFor({ timeout: 30_000 });
    expect(await img.getAttribute('src')).toMatch(/\/media\//);
    await alice.locator('.bubble .image img[src*="/media/"]').waitFor({ timeout: 30_000 });
  });

  it('exchanges WeChat ids after acceptance', async () => {
    for (const [page, id] of [[alice, 'alice_wx'], [bob, 'bob_wx']] as const) {
      await page.getByRole('button', { name: 'Profile' }).click();
      await page.locator('input[name="wechatId"]').fill(id);
      await page.getByRole('button', { name: 'Save' }).click();
      await page.locator('input[name="wechatId"]').waitFor({ state: 'detached' });
    }
    await alice.getByRole('button', { name: 'Conversation actions' }).click();
    await alice.getByRole('menuitem', { name: 'Exchange WeChat' }).click();
    const accept = bob.getByRole('button', { name: 'Accept' });
    await accept.waitFor({ timeout: 30_000 });
    await accept.click();
    await alice.locator('[data-testid="revealed-wechat"]', { hasText: 'bob_wx' }).waitFor({ timeout: 30_000 });
    await bob.locator('[data-testid="revealed-wechat"]', { hasText: 'alice_wx' }).waitFor({ timeout: 30_000 });
  });

  it('recalls a message', async () => {
    await send(alice, 'oops, wrong chat');
    await bubbles(bob, 'oops, wrong chat').waitFor({ timeout: 30_000 });
    const row = alice.locator('[data-testid="message"]', { hasText: 'oops, wrong chat' });
    await row.getByRole('button', { name: 'Message actions' }).click();
    await alice.getByRole('menuitem', { name: 'Recall' }).click();
    await bubbles(bob, 'oops, wrong chat').waitFor({ state: 'detached', timeout: 30_000 });
    await bob.locator('.recalled-text').first().waitFor();
  });

  it('renders markup as text', async () => {
    const evil = '<img src=x onerror=alert(1)>';
    await send(alice, evil);
    await eventually(async () => (await countExact(bob, evil)) === 1, 'markup shown as text');
    expect(await bob.locator('img[src="x"]').count()).toBe(0);
    expect(dialogs).toEqual([]);
  });

  it('an offline peer gets every message once after coming back', async () => {
    await bob.screenshot({ path: `${screenshots}chat-desktop.png` });
    const context = bob.context();
    await context.setOffline(true);
    const texts = ['while you were away 1', 'while you were away 2', 'while you were away 3'];
    for (const t of texts) await send(alice, t);
    for (const t of texts) await alice.locator('[data-testid="message"]', { hasText: t }).locator('[data-tick="sent"], [data-tick="read"]').waitFor({ timeout: 30_000 });
    await context.setOffline(false);
    await bob.evaluate(() => window.dispatchEvent(new Event('online')));
    for (const t of texts) await eventually(async () => (await countExact(bob, t)) === 1, `"${t}" shown once`, 60_000);
    await send(bob, 'back online');
    await eventually(async () => (await countExact(alice, 'back online')) === 1, 'reply after reconnect');
    for (const t of texts) expect(await countExact(bob, t)).toBe(1);
  });

  it('screenshots: sign-in, list and a mobile chat in Chinese', async () => {
    await alice.screenshot({ path: `${screenshots}chat-desktop-sender.png` });
    const context = await browser.newContext({ locale: 'zh-CN', viewport: { width: 390, height: 760 }, isMobile: true, hasTouch: true });
    const page = await context.newPage();
    await page.goto(server.baseUrl);
    await page.locator('input[name="userId"]').waitFor();
    await page.screenshot({ path: `${screenshots}sign-in-mobile-zh.png` });
    await page.locator('input[name="userId"]').fill(String(BOB));
    await page.locator('input[name="name"]').fill('Bob');
    await page.locator('form button[type="submit"]').click();
    await conversationWith(page, ALICE).waitFor({ timeout: 30_000 });
    await page.screenshot({ path: `${screenshots}conversations-mobile-zh.png` });
    await conversationWith(page, ALICE).click();
    await page.locator('[data-testid="message"]').first().waitFor();
    await page.screenshot({ path: `${screenshots}chat-mobile-zh.png` });
    await context.close();
  });
});
