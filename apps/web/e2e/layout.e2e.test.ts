// @vitest-environment node
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { devToken, ensureWebBuilt, eventually, launchChromium, sendTexts, signedInPage, startServer, type TestServer } from './support.js';

/** Geometry measured in the real browser: what the user sees, not what the DOM says. */
let server: TestServer;
let browser: Browser;
const pages: Page[] = [];

const ALICE = 4101;
const BOB = 4102;
const CAROL = 4103;
const DAVE = 4104;

const conversationWith = (page: Page, peerId: number) => page.locator(`.conversation[data-peer="${peerId}"]`);

/** The newest message is rendered and its bubble ends above the composer and below the header. */
async function newestFullyVisible(page: Page, text: string): Promise<boolean> {
  return page.evaluate((t) => {
    const rows = [...document.querySelectorAll('[data-testid="message"]')].filter((r) => r.querySelector('.text')?.textContent?.split('\n')[0] === t);
    const bubble = rows[0]?.querySelector('.bubble');
    const composer = document.querySelector('.composer');
    const list = document.querySelector('.messages');
    if (!bubble || !composer || !list) return false;
    const b = bubble.getBoundingClientRect();
    return b.bottom <= composer.getBoundingClientRect().top + 0.5 && b.top >= list.getBoundingClientRect().top - 0.5;
  }, text);
}

async function expectNewestVisible(page: Page, text: string, when: string): Promise<void> {
  await eventually(() => newestFullyVisible(page, text), `"${text}" fully visible above the composer ${when}`, 10_000);
}

function overlaps(a: { x: number; y: number; width: number; height: number }, b: { x: number; y: number; width: number; height: number }): boolean {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
}

describe('web client layout in Chromium', () => {
  beforeAll(async () => {
    ensureWebBuilt();
    server = await startServer({ PARLEY_SEND_RATE: '1000', PARLEY_SEND_BURST: '1000' });
    browser = await launchChromium();
    await devToken(server.baseUrl, ALICE, 'Alice');
    await sendTexts(server.baseUrl, await devToken(server.baseUrl, BOB, 'Bob'), ALICE, 'from bob', 40, '\nwith a second line\nand a third, as real chats have');
    await sendTexts(server.baseUrl, await devToken(server.baseUrl, CAROL, 'Carol'), ALICE, 'from carol', 40);
    await sendTexts(server.baseUrl, await devToken(server.baseUrl, DAVE, 'Dave'), ALICE, 'from dave', 2);
  });

  afterAll(async () => {
    for (const page of pages) await page.context().close();
    await browser?.close();
    await server?.stop();
  });

  it('opens a long chat at its newest message, after a reload and when reopened', async () => {
    const page = await signedInPage(browser, server.baseUrl, ALICE, 'Alice', { viewport: { width: 1000, height: 700 } });
    pages.push(page);
    await conversationWith(page, BOB).click();
    await expectNewestVisible(page, 'from bob 40', 'on open');

    await page.reload();
    await page.locator('[data-testid="me"]').waitFor({ timeout: 30_000 });
    if (!(await page.locator('.chat').isVisible())) await conversationWith(page, BOB).click();
    await expectNewestVisible(page, 'from bob 40', 'after a reload');

    await conversationWith(page, CAROL).click();
    await expectNewestVisible(page, 'from carol 40', 'in a second chat');
    await conversationWith(page, BOB).click();
    await expectNewestVisible(page, 'from bob 40', 'when reopened');
  });

  it('shows a normal own name in full in the 320 px sidebar header', async () => {
    for (const name of ['Tom', 'Alexandra Smith']) {
      const page = await signedInPage(browser, server.baseUrl, ALICE, name, { viewport: { width: 1280, height: 800 } });
      pages.push(page);
      const me = page.locator('[data-testid="me"]');
      const sidebarWidth = await page.locator('.sidebar').evaluate((el) => el.getBoundingClientRect().width);
      expect(sidebarWidth).toBe(320);
      const { scrollWidth, clientWidth, text } = await me.evaluate((el) => ({ scrollWidth: el.scrollWidth, clientWidth: el.clientWidth, text: el.textContent }));
      expect(text).toBe(name);
      expect(scrollWidth).toBeLessThanOrEqual(clientWidth);
    }
  });

  it('keeps "Beginning of the conversation" clear of the first message and its menu', async () => {
    const page = await signedInPage(browser, server.baseUrl, ALICE, 'Alice');
    pages.push(page);
    await conversationWith(page, DAVE).click();
    const marker = page.locator('.history-state', { hasText: 'Beginning of the conversation' });
    await marker.waitFor({ timeout: 30_000 });
    const first = page.locator('[data-testid="message"]').first();
    await first.waitFor();
    const markerBox = await marker.boundingBox();
    const firstBox = await first.boundingBox();
    expect(markerBox && firstBox).toBeTruthy();
    expect(overlaps(markerBox!, firstBox!)).toBe(false);
  });
});
