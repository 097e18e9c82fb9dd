// @vitest-environment node
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { translate, type Locale, type MessageKey } from '../src/i18n.js';
import { api, devToken, ensureWebBuilt, eventually, launchChromium, openChat, send, signedInPage, startServer, type TestServer } from './support.js';

const ADMIN_TOKEN = 'safety-e2e-admin-token-0123456789';
const BLOCKED_WORD = 'forbiddenword';

let server: TestServer;
let browser: Browser;

interface AdminReportItem {
  reporterId: number;
  userId: number;
  reason: string;
  messageIds: number[];
  note: string | null;
}

async function conversationMenu(page: Page, locale: Locale, item: MessageKey): Promise<void> {
  await page.getByRole('button', { name: translate(locale, 'conversationMenu') }).click();
  await page.getByRole('menuitem', { name: translate(locale, item) }).click();
}

const bubble = (page: Page, text: string) => page.locator('[data-testid="message"]', { hasText: text });

/**
 * One pair of users in one language: a masked phone number, a refused word that stays in the
 * composer, a report with a picked message, and an unmatch.
 */
async function safetyScenario(locale: Locale, aliceId: number, bobId: number): Promise<void> {
  const options = { locale: locale === 'zh-CN' ? 'zh-CN' : 'en-US' };
  const alice = await signedInPage(browser, server.baseUrl, aliceId, 'Alice', options);
  const bob = await signedInPage(browser, server.baseUrl, bobId, 'Bob', options);
  try {
    await openChat(alice, locale, bobId);
    await send(alice, locale, 'hi there');
    await bob.locator(`.conversation[data-peer="${aliceId}"]`).click();
    await bubble(bob, 'hi there').waitFor({ timeout: 30_000 });
    await send(bob, locale, 'hello');
    await bubble(alice, 'hello').waitFor({ timeout: 30_000 });

    // Contact details before an accepted exchange are masked, and said to be.
    await send(alice, locale, 'call me 13812345678');
    const masked = bubble(bob, 'call me');
    await masked.locator('[data-testid="masked-note"]', { hasText: translate(locale, 'maskedNote') }).waitFor({ timeout: 30_000 });
    expect(await masked.locator('.text').textContent()).not.toContain('13812345678');
    expect(await masked.locator('.text').textContent()).toContain('*');
    await bubble(alice, 'call me').locator('[data-testid="masked-note"]').waitFor({ timeout: 30_000 });

    // A blocked word: the send is refused, the toast says why, the text stays to be changed.
    const refused = `this has ${BLOCKED_WORD} inside`;
    await send(alice, locale, refused);
    const toast = alice.locator('[data-testid="error-toast"]');
    await toast.waitFor({ timeout: 30_000 });
    expect(await toast.textContent()).toContain(translate(locale, 'errorWordList'));
    const box = alice.getByRole('textbox', { name: translate(locale, 'messageInput') });
    await eventually(async () => (await box.inputValue()) === refused, 'refused text back in the composer');
    expect(await bubble(alice, refused).count()).toBe(0);
    await toast.getByRole('button', { name: translate(locale, 'dismiss') }).click();
    await box.fill('');

    // Bob reports Alice with the masked message picked: in English from the conversation menu,
    // in Chinese from the message's own menu, which picks it already.
    if (locale === 'en') await conversationMenu(bob, locale, 'reportUser');
    else {
      await masked.getByRole('button', { name: translate(locale, 'messageMenu') }).click();
      await bob.getByRole('menuitem', { name: translate(locale, 'reportUser'), exact: true }).click();
    }
    const dialog = bob.getByRole('dialog', { name: translate(locale, 'reportTitle', { name: 'Alice' }) });
    await dialog.waitFor();
    await dialog.locator('select[name="reason"]').selectOption('SCAM');
    const pick = dialog.locator('label.pick', { hasText: 'call me' }).locator('input');
    if (locale === 'en') await pick.check();
    else expect(await pick.isChecked()).toBe(true);
    await dialog.locator('textarea[name="note"]').fill('asked to move off the app');
    await dialog.getByRole('button', { name: translate(locale, 'reportSend') }).click();
    await bob.locator('[data-testid="notice-toast"]', { hasText: translate(locale, 'reportSent') }).waitFor({ timeout: 30_000 });
    const reports = await api<{ items: AdminReportItem[] }>(server.baseUrl, ADMIN_TOKEN, 'GET', '/admin/reports?status=OPEN');
    const filed = reports.items.find((r) => r.reporterId === bobId);
    expect(filed).toMatchObject({ userId: aliceId, reason: 'SCAM', note: 'asked to move off the app' });
    expect(filed?.messageIds).toHaveLength(1);

    // Alice unmatches after confirming: the conversation leaves both lists.
    await conversationMenu(alice, locale, 'unmatch');
    const confirm = alice.getByRole('alertdialog');
    await confirm.waitFor();
    expect(await confirm.textContent()).toContain(translate(locale, 'unmatchConfirm', { name: 'Bob' }));
    await confirm.getByRole('button', { name: translate(locale, 'unmatch') }).click();
    await alice.locator(`.conversation[data-peer="${bobId}"]`).waitFor({ state: 'detached', timeout: 30_000 });
    await bob.locator(`.conversation[data-peer="${aliceId}"]`).waitFor({ state: 'detached', timeout: 30_000 });
  } finally {
    await alice.context().close();
    await bob.context().close();
  }
}

describe('safety in the web client (Chromium, real server)', () => {
  beforeAll(async () => {
    ensureWebBuilt();
    server = await startServer({ PARLEY_ADMIN_TOKEN: ADMIN_TOKEN });
    browser = await launchChromium();
    await api(server.baseUrl, ADMIN_TOKEN, 'PUT', '/admin/moderation/words', { block: [BLOCKED_WORD], mask: [] });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('masked text, a refused send kept in the composer, a report and an unmatch — in English', async () => {
    await safetyScenario('en', 5101, 5102);
  });

  it('masked text, a refused send kept in the composer, a report and an unmatch — in Chinese', async () => {
    await safetyScenario('zh-CN', 5201, 5202);
  });

  it('a muted user is told so and keeps the text; a banned user sees why instead of the chat', async () => {
    const [carolId, daveId] = [5301, 5302];
    await devToken(server.baseUrl, daveId, 'Dave');
    const carol = await signedInPage(browser, server.baseUrl, carolId, 'Carol', { locale: 'zh-CN' });
    try {
      await openChat(carol, 'zh-CN', daveId);
      await api(server.baseUrl, ADMIN_TOKEN, 'PUT', `/admin/users/${carolId}/restriction`, { kind: 'MUTE', reason: 'spam' });
      await send(carol, 'zh-CN', '还在吗');
      const toast = carol.locator('[data-testid="error-toast"]');
      await toast.waitFor({ timeout: 30_000 });
      expect(await toast.textContent()).toContain(translate('zh-CN', 'errorMuted'));
      const box = carol.getByRole('textbox', { name: translate('zh-CN', 'messageInput') });
      await eventually(async () => (await box.inputValue()) === '还在吗', 'muted text back in the composer');

      await api(server.baseUrl, ADMIN_TOKEN, 'PUT', `/admin/users/${carolId}/restriction`, { kind: 'BAN', reason: 'scam reports' });
      await carol.getByRole('heading', { name: translate('zh-CN', 'bannedTitle') }).waitFor({ timeout: 30_000 });
    } finally {
      await carol.context().close();
    }
  });
});
