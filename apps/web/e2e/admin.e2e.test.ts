// @vitest-environment node
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, devToken, eventually, launchChromium, sendTexts, signedInPage, startServer, type TestServer } from './support.js';

/**
 * The admin console at /admin in Chromium against a real server: signing in with the admin
 * token, users, live figures that follow real traffic, the conversation view, both languages.
 */
const ADMIN_TOKEN = 'e2e-admin-token-0123456789';
const webRoot = fileURLToPath(new URL('..', import.meta.url));
/** `PARLEY_SCREENSHOTS=1` refreshes docs/screenshots; otherwise they go to a temporary folder. */
const screenshots = process.env.PARLEY_SCREENSHOTS ? fileURLToPath(new URL('../../../docs/screenshots/', import.meta.url)) : `${tmpdir()}/parley-screenshots/`;

/** The console is a page of the web build: build when this checkout's dist predates it. */
function ensureConsoleBuilt(): void {
  if (existsSync(`${webRoot}dist/admin.html`) && existsSync(`${webRoot}dist/index.html`)) return;
  execFileSync(process.execPath, [fileURLToPath(import.meta.resolve('vite/bin/vite.js', `file://${webRoot}`)), 'build'], { cwd: webRoot, stdio: 'inherit' });
}

let server: TestServer;
/** The same server without PARLEY_ADMIN_TOKEN. */
let adminOff: TestServer;
let browser: Browser;
const contexts: BrowserContext[] = [];
/** What the console's pages reported as broken: script errors and refusals by the page's CSP. */
const pageProblems: string[] = [];

async function consolePage(locale = 'en-US'): Promise<Page> {
  const context = await browser.newContext({ locale, viewport: { width: 1280, height: 800 } });
  contexts.push(context);
  const page = await context.newPage();
  page.on('pageerror', (error) => pageProblems.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error' && /Content Security Policy/i.test(message.text())) pageProblems.push(message.text());
  });
  await page.goto(`${server.baseUrl}/admin`);
  return page;
}

async function signIn(page: Page, token = ADMIN_TOKEN): Promise<void> {
  await page.locator('input[name="adminToken"]').fill(token);
  await page.locator('[data-testid="admin-sign-in"] button[type="submit"]').click();
}

async function signedInConsole(locale = 'en-US'): Promise<Page> {
  const page = await consolePage(locale);
  await signIn(page);
  await page.locator('[data-testid="admin-nav-live"]').waitFor({ timeout: 30_000 });
  return page;
}

const figure = (page: Page, name: string) => page.locator(`[data-testid="figure-${name}-value"]`).innerText();
const asNumber = (text: string) => Number(text.replace(/[^\d.]/g, ''));

beforeAll(async () => {
  ensureConsoleBuilt();
  mkdirSync(screenshots, { recursive: true });
  // One after the other: each start is CPU-bound, and Fastify gives every plugin only 10 s.
  // The webhook points at a port nobody listens on: notifications stay pending with their error.
  server = await startServer({
    PARLEY_ADMIN_TOKEN: ADMIN_TOKEN,
    PARLEY_DEV_AUTH: 'true',
    PARLEY_WEBHOOK_URL: 'http://127.0.0.1:9/notify',
    PARLEY_PUSH_COALESCE_MS: '0',
    PARLEY_OUTBOX_POLL_MS: '100',
    // The live-figures test sends until a refresh has seen its traffic, however long that takes.
    PARLEY_SEND_RATE: '1000',
    PARLEY_SEND_BURST: '1000',
  });
  adminOff = await startServer({ PARLEY_DEV_AUTH: 'true' });
  browser = await launchChromium();
});

afterAll(async () => {
  for (const context of contexts) await context.close().catch(() => {});
  await browser?.close();
  await Promise.all([server?.stop(), adminOff?.stop()]);
  expect(pageProblems).toEqual([]);
});

describe('admin console', () => {
  it('refuses a wrong token with a clear message, signs in with the right one and stays signed in on reload', async () => {
    const page = await consolePage();
    await signIn(page, 'not-the-admin-token');
    const error = page.locator('[data-testid="admin-sign-in-error"]');
    await error.waitFor();
    expect(await error.innerText()).toContain('This admin token was refused');
    expect(await page.locator('[data-testid="admin-nav-live"]').count()).toBe(0);

    await signIn(page);
    await page.locator('[data-testid="admin-nav-live"]').waitFor();
    expect(await page.locator('nav button').allInnerTexts()).toEqual(['Live figures', 'Users', 'Conversations', 'Reports', 'Word lists', 'Notifications']);
    await page.reload();
    await page.locator('[data-testid="admin-nav-live"]').waitFor();

    await page.locator('[data-testid="admin-sign-out"]').click();
    await page.locator('input[name="adminToken"]').waitFor();
    expect(await page.evaluate(() => sessionStorage.length)).toBe(0);
    // The page's strict policy (own scripts and styles only) leaves the console whole.
    expect(pageProblems).toEqual([]);
  });

  it('looks a user up, private fields included, and edits the name', async () => {
    await devToken(server.baseUrl, 7101, 'Olga');
    await fetch(`${server.baseUrl}/admin/users/7101`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ wechatId: 'wx-olga' }),
    });
    const page = await signedInConsole();
    await page.locator('[data-testid="admin-nav-users"]').click();

    await page.locator('input[name="userId"]').fill('7199');
    await page.locator('[data-testid="admin-users"] form.admin-lookup button').click();
    await eventually(async () => (await page.locator('[data-testid="admin-users-error"]').innerText()).includes('There is no user with id 7199'), 'not-found message');
    await page.locator('input[name="userId"]').fill('0');
    await page.locator('[data-testid="admin-users"] form.admin-lookup button').click();
    await eventually(async () => (await page.locator('[data-testid="admin-users-error"]').innerText()).includes('whole number'), 'invalid id message');

    await page.locator('input[name="userId"]').fill('7101');
    await page.locator('[data-testid="admin-users"] form.admin-lookup button').click();
    const profile = page.locator('[data-testid="admin-profile"]');
    await profile.waitFor();
    expect(await profile.locator('input[name="name"]').inputValue()).toBe('Olga');
    expect(await profile.locator('input[name="wechatId"]').inputValue()).toBe('wx-olga');

    await profile.locator('input[name="name"]').fill('Olga Petrova');
    await profile.locator('button[type="submit"]').click();
    await page.locator('[data-testid="admin-profile-saved"]').waitFor();
    // Read back over the admin API: a user's own requests would refresh the name from the token's claim.
    const stored = await api<{ name: string; wechatId: string }>(server.baseUrl, ADMIN_TOKEN, 'GET', '/admin/users/7101');
    expect(stored).toMatchObject({ name: 'Olga Petrova', wechatId: 'wx-olga' });
  });

  it('shows live figures that follow real clients: connections, messages per second, errors per second', async () => {
    const page = await signedInConsole();
    await page.locator('[data-testid="figures-updated"]').waitFor();
    const connectionsBefore = asNumber(await figure(page, 'connections'));

    // A real web client signed in: one more connection on this node.
    const client = await signedInPage(browser, server.baseUrl, 7201, 'Pia');
    contexts.push(client.context());
    await eventually(async () => asNumber(await figure(page, 'connections')) > connectionsBefore, 'a connection more', 30_000);

    // Traffic until one refresh interval has seen it: sends and refused requests.
    const sender = await devToken(server.baseUrl, 7202, 'Quinn');
    let traffic = true;
    const sending = (async () => {
      while (traffic) {
        await sendTexts(server.baseUrl, sender, 7201, 'load', 3);
        await fetch(`${server.baseUrl}/messages/history/0`, { headers: { authorization: `Bearer ${sender}` } });
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    })();
    try {
      await eventually(async () => asNumber(await figure(page, 'messages')) > 0, 'messages per second above zero', 30_000);
      await eventually(async () => asNumber(await figure(page, 'errors')) > 0, 'errors per second above zero', 30_000);
    } finally {
      traffic = false;
      await sending;
    }
    expect(await page.locator('[data-testid="figure-connections"] li').allInnerTexts()).not.toEqual([]);
    await page.setViewportSize({ width: 1200, height: 360 });
    await page.screenshot({ path: `${screenshots}admin-console.png` });
  });

  it('shows a conversation it takes no part in, oldest first, recalled messages marked', async () => {
    const [ann, ben] = [await devToken(server.baseUrl, 7301, 'Ann'), await devToken(server.baseUrl, 7302, 'Ben')];
    const first = await api<{ conversationId: number }>(server.baseUrl, ann, 'POST', '/messages', { receiverId: 7302, messageType: 'TEXT', content: 'hello Ben', clientMsgId: randomUUID() });
    await api(server.baseUrl, ben, 'POST', '/messages', { receiverId: 7301, messageType: 'TEXT', content: 'hi Ann', clientMsgId: randomUUID() });
    const regret = await api<{ id: number }>(server.baseUrl, ann, 'POST', '/messages', { receiverId: 7302, messageType: 'TEXT', content: 'oops', clientMsgId: randomUUID() });
    await api(server.baseUrl, ann, 'DELETE', `/messages/${regret.id}`);

    const page = await signedInConsole();
    await page.locator('[data-testid="admin-nav-conversations"]').click();
    await page.locator('input[name="conversationId"]').fill(String(first.conversationId));
    await page.locator('[data-testid="admin-conversations"] form.admin-lookup button').click();
    const rows = page.locator('[data-testid="admin-messages"] li');
    await eventually(async () => (await rows.count()) === 3, 'three messages');
    expect(await page.locator('[data-testid="admin-participants"]').innerText()).toMatch(/Ann \(#7301\).*Ben \(#7302\)/);
    const texts = await rows.allInnerTexts();
    expect(texts[0]).toContain('hello Ben');
    expect(texts[1]).toContain('hi Ann');
    expect(texts[2]).toContain('recalled');
    expect(await rows.nth(2).getAttribute('class')).toContain('recalled');

    await page.locator('input[name="conversationId"]').fill('99999999');
    await page.locator('[data-testid="admin-conversations"] form.admin-lookup button').click();
    await eventually(async () => (await page.locator('[data-testid="admin-conversation-error"]').innerText()).includes('There is no conversation with id 99999999'), 'not-found message');
  });

  it('works a report: the queue, the evidence and its integrity, a resolution that mutes', async () => {
    const [rita, sam] = [await devToken(server.baseUrl, 7401, 'Rita'), await devToken(server.baseUrl, 7402, 'Sam')];
    await api(server.baseUrl, rita, 'POST', '/messages', { receiverId: 7402, messageType: 'TEXT', content: 'hello Sam', clientMsgId: randomUUID() });
    const scam = await api<{ id: number }>(server.baseUrl, sam, 'POST', '/messages', { receiverId: 7401, messageType: 'TEXT', content: 'send me 500 now', clientMsgId: randomUUID() });
    const report = await api<{ id: number }>(server.baseUrl, rita, 'POST', '/reports', { userId: 7402, reason: 'SCAM', messageIds: [scam.id], note: 'asked for money' });

    const page = await signedInConsole();
    await page.locator('[data-testid="admin-nav-reports"]').click();
    const row = page.locator(`[data-testid="admin-report-list"] tr[data-report-id="${report.id}"]`);
    await row.waitFor();
    expect(await row.innerText()).toContain('Scam');
    await row.locator('button').click();
    const detail = page.locator('[data-testid="admin-report-detail"]');
    await detail.waitFor();
    expect(await detail.locator('[data-testid="admin-report-integrity"]').innerText()).toContain('Evidence intact');
    const evidence = detail.locator('[data-testid="admin-evidence"] li');
    expect(await evidence.allInnerTexts()).toEqual([expect.stringContaining('hello Sam'), expect.stringContaining('send me 500 now')]);
    expect(await evidence.nth(1).getAttribute('class')).toContain('listed');
    expect(await detail.innerText()).toContain('asked for money');

    await detail.locator('select[name="action"]').selectOption('MUTE');
    await detail.locator('input[name="hours"]').fill('2');
    await detail.locator('input[name="note"]').fill('scam attempt');
    await detail.locator('[data-testid="admin-resolve"] button[type="submit"]').click();
    await eventually(async () => (await detail.locator('[data-testid="admin-report-resolution"]').count()) === 1, 'the resolution');
    expect(await detail.locator('[data-testid="admin-report-resolution"]').innerText()).toMatch(/Mute.*2 h.*scam attempt/);
    const muted = await api<{ restriction: { kind: string; reason: string } }>(server.baseUrl, ADMIN_TOKEN, 'GET', '/admin/users/7402');
    expect(muted.restriction).toMatchObject({ kind: 'MUTE', reason: 'scam attempt' });
    await page.setViewportSize({ width: 1200, height: 800 });
    await page.screenshot({ path: `${screenshots}admin-report.png` });
  });

  it('shows, sets and lifts a user\'s restriction, with its reason and end', async () => {
    const tom = await devToken(server.baseUrl, 7501, 'Tom');
    const page = await signedInConsole();
    await page.locator('[data-testid="admin-nav-users"]').click();
    await page.locator('input[name="userId"]').fill('7501');
    await page.locator('[data-testid="admin-users"] form.admin-lookup button').click();
    const card = page.locator('[data-testid="admin-restriction"]');
    await card.waitFor();
    expect(await card.locator('[data-testid="admin-restriction-now"]').innerText()).toBe('No restriction in force.');

    await card.locator('select[name="restrictionKind"]').selectOption('BAN');
    await card.locator('input[name="restrictionUntil"]').fill('2099-01-01T12:00');
    await card.locator('input[name="restrictionReason"]').fill('fraud');
    await card.locator('[data-testid="admin-restriction-apply"]').click();
    await eventually(async () => (await card.locator('[data-testid="admin-restriction-now"]').innerText()).includes('Banned'), 'the ban shown');
    expect(await card.locator('[data-testid="admin-restriction-now"]').innerText()).toMatch(/until .*2099.*fraud/);
    const refused = await fetch(`${server.baseUrl}/messages/conversations`, { headers: { authorization: `Bearer ${tom}` } });
    expect(refused.status).toBe(403);
    expect(await refused.json()).toMatchObject({ error: { code: 'USER_BANNED' } });
    const stored = await api<{ restriction: unknown }>(server.baseUrl, ADMIN_TOKEN, 'GET', '/admin/users/7501');
    // The end was typed in the browser's time zone, as the operator sees it.
    expect(stored.restriction).toMatchObject({ kind: 'BAN', reason: 'fraud', until: await page.evaluate(() => new Date('2099-01-01T12:00').toISOString()) });

    await card.locator('[data-testid="admin-restriction-lift"]').click();
    await eventually(async () => (await card.locator('[data-testid="admin-restriction-now"]').innerText()) === 'No restriction in force.', 'the ban lifted');
    // Lifted on the server too: a fresh lookup shows none.
    await page.locator('[data-testid="admin-users"] form.admin-lookup button').click();
    await eventually(async () => (await card.locator('[data-testid="admin-restriction-now"]').innerText()) === 'No restriction in force.', 'no restriction after a reload');
  });

  it('edits the word lists', async () => {
    const page = await signedInConsole();
    await page.locator('[data-testid="admin-nav-words"]').click();
    const form = page.locator('[data-testid="admin-words"]');
    await form.waitFor();
    await form.locator('textarea[name="blockWords"]').fill('badword\n  spamword \n\nbadword');
    await form.locator('textarea[name="maskWords"]').fill('darn');
    await form.locator('[data-testid="admin-words-save"]').click();
    await page.locator('[data-testid="admin-words-saved"]').waitFor();
    expect(await api(server.baseUrl, ADMIN_TOKEN, 'GET', '/admin/moderation/words')).toEqual({ block: ['badword', 'spamword'], mask: ['darn'] });
    await page.reload();
    await page.locator('[data-testid="admin-nav-words"]').click();
    await eventually(async () => (await form.locator('textarea[name="blockWords"]').inputValue()) === 'badword\nspamword', 'the saved lists shown again');
  });

  it('lists notifications by status, with each channel\'s attempts and last error', async () => {
    const sender = await devToken(server.baseUrl, 7101, 'Notifier');
    await devToken(server.baseUrl, 7102, 'Away');
    await sendTexts(server.baseUrl, sender, 7102, 'are you there', 2);
    await eventually(async () => {
      const { items } = await api<{ items: { userId: number; deliveries: { attempts: number }[] }[] }>(server.baseUrl, ADMIN_TOKEN, 'GET', '/admin/notifications?status=PENDING');
      return items.some((n) => n.userId === 7102 && n.deliveries[0]!.attempts >= 1);
    }, 'a pending notification with a failed attempt');
    const page = await signedInConsole();
    await page.locator('[data-testid="admin-nav-notifications"]').click();
    await page.locator('[data-testid="admin-notifications"] select[name="notificationStatus"]').selectOption('PENDING');
    const row = page.locator('[data-testid="admin-notification-list"] tr[data-status="PENDING"]').first();
    await row.waitFor();
    const text = await row.innerText();
    expect(text).toContain('User 7102');
    expect(text).toMatch(/webhook: PENDING, \d+ attempt/);
    expect(text).toContain('the webhook unreachable');
    await page.locator('[data-testid="admin-notifications"] select[name="notificationStatus"]').selectOption('SENT');
    await page.locator('[data-testid="admin-notifications"]').getByText('No notifications.').waitFor();
  });

  it('speaks Chinese to a Chinese browser and switches to English', async () => {
    const page = await consolePage('zh-CN');
    await page.locator('[data-testid="admin-sign-in"] h2').waitFor();
    expect(await page.locator('[data-testid="admin-sign-in"] h2').innerText()).toBe('管理员登录');
    await signIn(page, 'wrong');
    await eventually(async () => (await page.locator('[data-testid="admin-sign-in-error"]').innerText()).includes('管理令牌被拒绝'), 'refusal in Chinese');
    await signIn(page);
    await page.locator('[data-testid="admin-nav-live"]').waitFor();
    expect(await page.locator('nav button').allInnerTexts()).toEqual(['实时数据', '用户', '会话', '举报', '敏感词', '通知']);
    expect(await page.locator('[data-testid="figure-messages"] h3').innerText()).toBe('每秒消息数');
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('zh-CN');

    await page.locator('[data-testid="admin-language"]').selectOption('en');
    await eventually(async () => (await page.locator('nav button').allInnerTexts()).join('|') === 'Live figures|Users|Conversations|Reports|Word lists|Notifications', 'English labels');
    expect(await page.locator('[data-testid="figure-messages"] h3').innerText()).toBe('Messages per second');
  });

  it('is not served when the admin token is unset', async () => {
    const context = await browser.newContext();
    contexts.push(context);
    const page = await context.newPage();
    const response = await page.goto(`${adminOff.baseUrl}/admin`);
    expect(response?.status()).toBe(404);
    expect(await page.locator('[data-testid="admin-sign-in"]').count()).toBe(0);
  });
});
