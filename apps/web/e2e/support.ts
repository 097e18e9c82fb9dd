/** Shared setup of the browser tests: a real server serving the built web client, and Chromium. */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContextOptions, type Page } from 'playwright-core';

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

/** The real server, in process, memory storage, serving apps/web/dist at `/`. */
export async function startServer(): Promise<TestServer> {
  // Typed loosely so that type-checking the web client does not pull in the server's sources.
  const { buildApp } = (await import(/* @vite-ignore */ `${serverSrc}app.ts`)) as {
    buildApp(config: unknown, overrides?: { logger?: boolean }): Promise<{ listen(): Promise<string>; shutdown(): Promise<void> }>;
  };
  const { loadConfig } = (await import(/* @vite-ignore */ `${serverSrc}config.ts`)) as { loadConfig(env: Record<string, string>): unknown };
  const app = await buildApp(loadConfig({ PORT: '0', HOST: '127.0.0.1', PARLEY_DATA_DIR: 'memory://' }), { logger: false });
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
