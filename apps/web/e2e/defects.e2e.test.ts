// @vitest-environment node
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, devToken, ensureWebBuilt, eventually, launchChromium, signedInPage, startServer, type TestServer } from './support.js';

/** Defects users found in the web client, each driven the way the user met it. */
let server: TestServer;
let browser: Browser;
const pages: Page[] = [];

const ADMIN_TOKEN = 'defects-admin-token-0123456789';
const ALICE = 5101;
const BOB = 5102;
const CAROL = 5103;
const DAN = 5104;
const ERIN = 5105;

const conversationWith = (page: Page, peerId: number) => page.locator(`.conversation[data-peer="${peerId}"]`);
const messageBox = (page: Page) => page.getByRole('textbox', { name: 'Message', exact: true });

async function open(userId: number, name: string, options = {}): Promise<Page> {
  const page = await signedInPage(browser, server.baseUrl, userId, name, options);
  pages.push(page);
  return page;
}

async function startChat(page: Page, peerId: number): Promise<void> {
  const input = page.getByRole('textbox', { name: 'Start a chat with user id' });
  await input.fill(String(peerId));
  await input.press('Enter');
}

async function send(page: Page, text: string): Promise<void> {
  await messageBox(page).fill(text);
  await messageBox(page).press('Enter');
}

const activeElement = (page: Page) =>
  page.evaluate(() => {
    const el = document.activeElement;
    return { tag: el?.tagName.toLowerCase(), role: el?.getAttribute('role'), label: el?.getAttribute('aria-label'), name: el?.getAttribute('name') };
  });

describe('web client defects in Chromium', () => {
  beforeAll(async () => {
    ensureWebBuilt();
    server = await startServer({ PARLEY_ADMIN_TOKEN: ADMIN_TOKEN });
    browser = await launchChromium();
  });

  afterAll(async () => {
    for (const page of pages) await page.context().close().catch(() => undefined);
    await browser?.close();
    await server?.stop();
  });

  it('shows offline at once, presence as unknown and unsent messages as waiting for the network', async () => {
    const alice = await open(ALICE, 'Alice');
    const bob = await open(BOB, 'Bob');
    await startChat(alice, BOB);
    await send(alice, 'hi bob');
    await conversationWith(bob, ALICE).click();
    await bob.locator('.chat-header .status', { hasText: 'online' }).waitFor({ timeout: 30_000 });

    await bob.context().setOffline(true);
    await bob.locator('[data-testid="offline-banner"]').waitFor({ timeout: 10_000 });
    expect(await bob.locator('[data-testid="offline-banner"]').textContent()).toContain('offline');
    await eventually(async () => !(await bob.locator('.chat-header .status').textContent())?.includes('online'), 'peer presence no longer claimed', 10_000);
    expect(await conversationWith(bob, ALICE).getAttribute('aria-label')).not.toContain('online');

    await send(bob, 'written while offline');
    const tick = bob.locator('[data-testid="message"]', { hasText: 'written while offline' }).locator('[data-tick]');
    await eventually(async () => (await tick.getAttribute('data-tick')) === 'waiting', 'unsent message waits for the network', 10_000);
    expect(await tick.getAttribute('aria-label')).toBe('Waiting for network');

    await bob.context().setOffline(false);
    await bob.locator('[data-testid="offline-banner"]').waitFor({ state: 'detached', timeout: 30_000 });
    await eventually(async () => ['sent', 'read'].includes((await tick.getAttribute('data-tick')) ?? ''), 'sent after the network is back', 60_000);
    await alice.locator('[data-testid="message"] .text', { hasText: 'written while offline' }).waitFor({ timeout: 30_000 });
  });

  it('a new chat shows the peer\'s name at once and no false "offline"', async () => {
    const carol = await open(CAROL, 'Carol');
    const alice = await open(ALICE, 'Alice');
    expect(await carol.locator('[data-testid="me"]').textContent()).toBe('Carol');
    await startChat(alice, CAROL);
    await alice.locator('.chat-header h2', { hasText: 'Carol' }).waitFor({ timeout: 10_000 });
    expect(await alice.locator('.chat-header .status').textContent()).not.toContain('offline');
  });

  it('the conversation menu works from the keyboard and a new chat focuses the composer', async () => {
    const alice = await open(ALICE, 'Alice');
    await startChat(alice, BOB);
    await eventually(async () => (await activeElement(alice)).name === 'message', 'composer focused after opening a chat', 10_000);

    const menuButton = alice.getByRole('button', { name: 'Conversation actions' });
    await menuButton.focus();
    await alice.keyboard.press('Enter');
    await alice.getByRole('menu').waitFor();
    expect((await activeElement(alice)).role).toBe('menuitem');
    await alice.keyboard.press('ArrowDown');
    expect((await activeElement(alice)).role).toBe('menuitem');
    await alice.keyboard.press('Escape');
    await alice.getByRole('menu').waitFor({ state: 'detached', timeout: 5_000 });
    expect((await activeElement(alice)).label).toBe('Conversation actions');

    await menuButton.click();
    await alice.getByRole('menu').waitFor();
    await send(alice, 'menu closes when I type');
    await alice.getByRole('menu').waitFor({ state: 'detached', timeout: 5_000 });
  });

  it('says why a user id of 0 or 20 digits cannot sign in', async () => {
    const context = await browser.newContext({ locale: 'en-US' });
    const page = await context.newPage();
    pages.push(page);
    await page.goto(server.baseUrl);
    for (const id of ['0', '12345678901234567890']) {
      await page.locator('input[name="userId"]').fill(id);
      await page.locator('form button[type="submit"]').click();
      const alert = page.getByRole('alert');
      await alert.waitFor({ timeout: 5_000 });
      expect(await alert.textContent()).toContain('User id must be a whole number from 1 to');
    }
  });

  it('a reload keeps the open chat and each chat\'s unsent draft', async () => {
    const alice = await open(ALICE, 'Alice');
    await conversationWith(alice, BOB).click();
    await messageBox(alice).fill('draft for bob');
    await startChat(alice, CAROL);
    await messageBox(alice).fill('draft for carol');
    await alice.reload();
    await alice.locator('.chat-header h2', { hasText: 'Carol' }).waitFor({ timeout: 30_000 });
    expect(await messageBox(alice).inputValue()).toBe('draft for carol');
    await conversationWith(alice, BOB).click();
    await alice.locator('.chat-header h2', { hasText: 'Bob' }).waitFor();
    expect(await messageBox(alice).inputValue()).toBe('draft for bob');
    await send(alice, 'draft for bob');
    await alice.reload();
    await alice.locator('.chat-header h2', { hasText: 'Bob' }).waitFor({ timeout: 30_000 });
    expect(await messageBox(alice).inputValue()).toBe('');
  });

  it('screen readers hear one "Message" box, regions named after the chat, one image button', async () => {
    const alice = await open(ALICE, 'Alice');
    await conversationWith(alice, BOB).click();
    await messageBox(alice).waitFor();
    expect(await alice.getByRole('textbox', { name: 'Message', exact: true }).count()).toBe(1);
    expect(await alice.getByRole('main', { name: 'Message', exact: true }).count()).toBe(0);
    expect(await alice.getByRole('log', { name: 'Message', exact: true }).count()).toBe(0);
    expect(await alice.getByRole('main', { name: 'Chat with Bob' }).count()).toBe(1);
    expect(await alice.getByRole('log', { name: 'Messages with Bob' }).count()).toBe(1);
    expect(await alice.getByRole('button', { name: 'Send an image' }).count()).toBe(1);
    const snapshot = await alice.locator('main').ariaSnapshot();
    expect(snapshot.match(/"Message"/g) ?? []).toHaveLength(1);
  });

  it('has a favicon, enlarges emoji-only messages and shows the message menu only on demand', async () => {
    const context = await browser.newContext({ locale: 'en-US' });
    const page = await context.newPage();
    pages.push(page);
    const failed: string[] = [];
    page.on('response', (r) => {
      if (r.status() >= 400) failed.push(`${r.status()} ${r.url()}`);
    });
    await page.goto(server.baseUrl);
    await page.locator('input[name="userId"]').waitFor();
    const icon = await page.locator('link[rel="icon"]').getAttribute('href');
    expect(icon).toBeTruthy();
    const iconResponse = await page.request.get(new URL(icon!, server.baseUrl).href);
    expect(iconResponse.status()).toBe(200);
    expect(iconResponse.headers()['content-type']).toMatch(/^image\//);
    expect((await page.request.get(`${server.baseUrl}/favicon.ico`)).status()).toBe(200);
    expect(failed).toEqual([]);
    await context.close();

    const alice = await open(ALICE, 'Alice');
    await conversationWith(alice, BOB).click();
    await send(alice, '😀🎉');
    await send(alice, 'plain words');
    const emojiText = alice.locator('[data-testid="message"] .text', { hasText: '😀🎉' });
    const plainText = alice.locator('[data-testid="message"] .text', { hasText: 'plain words' });
    await plainText.waitFor({ timeout: 30_000 });
    const size = (l: typeof emojiText) => l.evaluate((el) => parseFloat(getComputedStyle(el).fontSize));
    expect(await size(emojiText)).toBeGreaterThanOrEqual(2 * (await size(plainText)));

    const row = alice.locator('[data-testid="message"]', { hasText: 'plain words' });
    const menuButton = row.getByRole('button', { name: 'Message actions' });
    await alice.getByRole('heading', { name: 'Bob' }).hover();
    const opacity = () => menuButton.evaluate((el) => getComputedStyle(el.closest('.menu-wrap')!).opacity);
    await eventually(async () => (await opacity()) === '0', 'menu button hidden while not hovered', 5_000);
    await row.locator('.bubble').hover();
    await eventually(async () => (await opacity()) === '1', 'menu button shown on hover', 5_000);
    await alice.getByRole('heading', { name: 'Bob' }).hover();
    await menuButton.focus();
    await eventually(async () => (await opacity()) === '1', 'menu button shown on keyboard focus', 5_000);
  });

  it('a broken photo URL in an exchange shows a placeholder, not a broken image', async () => {
    for (const [id, name] of [[DAN, 'Dan'], [ERIN, 'Erin']] as const) {
      await devToken(server.baseUrl, id, name);
      await api(server.baseUrl, ADMIN_TOKEN, 'PUT', `/admin/users/${id}`, { photoUrls: ['https://127.0.0.1:9/gone.jpg'] });
    }
    const dan = await devToken(server.baseUrl, DAN, 'Dan');
    const erin = await devToken(server.baseUrl, ERIN, 'Erin');
    const request = await api<{ id: number }>(server.baseUrl, dan, 'POST', '/messages/exchange', { receiverId: ERIN, kind: 'PHOTO' });
    await api(server.baseUrl, erin, 'POST', `/messages/exchange/${request.id}/respond`, { accept: true });

    const page = await open(DAN, 'Dan');
    await conversationWith(page, ERIN).click();
    await page.locator('[data-testid="image-unavailable"]').first().waitFor({ timeout: 30_000 });
    const broken = await page.locator('.bubble img').evaluateAll((imgs) => imgs.filter((i) => (i as HTMLImageElement).complete && (i as HTMLImageElement).naturalWidth === 0).length);
    expect(broken).toBe(0);
  });

  it('a reload right after signing in keeps the session', async () => {
    const context = await browser.newContext({ locale: 'en-US' });
    const page = await context.newPage();
    pages.push(page);
    // Holds the conversation list, as a slow network would, so the reload comes before it loaded.
    await page.route('**/messages/conversations**', () => undefined);
    await page.goto(server.baseUrl);
    await page.locator('input[name="userId"]').fill(String(ALICE));
    await page.locator('input[name="name"]').fill('Alice');
    await page.locator('form button[type="submit"]').click();
    await page.locator('[data-testid="me"]').waitFor({ timeout: 30_000 });
    await page.unrouteAll({ behavior: 'ignoreErrors' });
    await page.reload();
    await page.locator('[data-testid="me"]').waitFor({ timeout: 30_000 });
    expect(await page.locator('input[name="userId"]').count()).toBe(0);
  });
});
