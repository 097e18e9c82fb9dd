/** Shared setup of the browser tests: a real server serving the built web client, and Chromium. */
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContextOptions, type Page } from 'playwright-core';
import { translate, type Locale } from '../src/i18n.js';

const webRoot = fileURLToPath(new URL('..', import.meta.url));
const serverSrc = fileURLToPath(new URL('../../server/src/', import.meta.url));

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** Builds apps/web/dist when it is missing (CI builds it before the tests). */
export function ensureWebBuilt(): void {
  if (existsSync(`${webRoot}dist/index.html`)) return;
  execFileSync(process.execPath, [fileURLToPath(import.meta.resolve('vite/bin/vite.js', `file://${webRoot}`)), 'build'], { cwd: webRoot, stdio: 'inherit' });
}

export interface TestServer {
  baseUrl: string;
  stop(): Promise<void>;
}

/** The real server, in process, memory storage, serving apps/web/dist at `/`; `env` adds settings. */
export async function startServer(env: Record<string, string> = {}): Promise<TestServer> {
  // Typed loosely so that type-checking the web client does not pull in the server's sources.
  const { buildApp } = (await import(/* @vite-ignore */ `${serverSrc}app.ts`)) as {
    buildApp(config: unknown, overrides?: { logger?: boolean }): Promise<{ listen(): Promise<string>; shutdown(): Promise<void> }>;
  };
  const { loadConfig } = (await import(/* @vite-ignore */ `${serverSrc}config.ts`)) as { loadConfig(env: Record<string, string>): unknown };
  const app = await buildApp(loadConfig({ PORT: '0', HOST: '127.0.0.1', PARLEY_DATA_DIR: 'memory://', ...env }), { logger: false });
  const baseUrl = await app.listen();
  return { baseUrl, stop: () => app.shutdown() };
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
}

/** A signed-in page in a fresh browser context. */
export async function signedInPage(browser: Browser, baseUrl: string, userId: number, name: string, options: BrowserContextOptions = {}): Promise<Page> {
  const context = await browser.newContext({ locale: 'en-US', ...options });
  const page = await context.newPage();
  await page.goto(baseUrl);
  await page.locator('input[name="userId"]').fill(String(userId));
  await page.locator('input[name="name"]').fill(name);
  await page.locator('form button[type="submit"]').click();
  await page.locator('[data-testid="me"]').waitFor({ timeout: 30_000 });
  return page;
}

/** Polls `check` until it holds (generous bound; not a timing assertion). */
export async function eventually(check: () => Promise<boolean>, what: string, timeoutMs = 30_000): Promise<void> {
  const start = Date.now();
  for (;;) {
    if (await check().catch(() => false)) return;
    if (Date.now() - start > timeoutMs) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** A development token straight from the server (for seeding data over REST). */
export async function devToken(baseUrl: string, userId: number, name: string): Promise<string> {
  const res = await fetch(`${baseUrl}/auth/dev-token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ userId, name }) });
  if (!res.ok) throw new Error(`dev-token: HTTP ${res.status}`);
  return ((await res.json()) as { token: string }).token;
}

/** A REST call as the holder of `token`; throws on an error status. */
export async function api<T>(baseUrl: string, token: string, method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${baseUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path}: HTTP ${res.status} ${text}`);
  return (text ? JSON.parse(text) : null) as T;
}

/** Sends `count` text messages "`prefix` 1`suffix`" … "`prefix` count`suffix`" over REST. */
export async function sendTexts(baseUrl: string, token: string, receiverId: number, prefix: string, count: number, suffix = ''): Promise<void> {
  for (let i = 1; i <= count; i++) await api(baseUrl, token, 'POST', '/messages', { receiverId, messageType: 'TEXT', content: `${prefix} ${i}${suffix}`, clientMsgId: randomUUID() });
}

/** Opens the conversation with `peerId` from the sidebar's new-chat box. */
export async function openChat(page: Page, locale: Locale, peerId: number): Promise<void> {
  await page.getByRole('textbox', { name: translate(locale, 'newChat') }).fill(String(peerId));
  await page.getByRole('button', { name: translate(locale, 'open') }).click();
}

/** Types `text` into the open conversation's message box and sends it with Enter. */
export async function send(page: Page, locale: Locale, text: string): Promise<void> {
  const box = page.getByRole('textbox', { name: translate(locale, 'messageInput') });
  await box.fill(text);
  await box.press('Enter');
}
