// @vitest-environment node
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SignJWT } from 'jose';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureWebBuilt, eventually, launchChromium, startServer, type TestServer } from './support.js';

/**
 * Signing in from a host app: a token in the address bar, a token URL answered with the host
 * app's cookie, a postMessage from the page that embeds the client, and what a bad token shows.
 */
const JWT_SECRET = 'host-sign-in-test-secret-0123456789';
const HOST_COOKIE = 'host_session=signed-in';

let host: Server;
let hostOrigin = '';
/** Parley with a token URL on the host app. */
let withTokenUrl: TestServer;
/** Parley without a token URL, embeddable by the host app. */
let embeddable: TestServer;
let browser: Browser;
const contexts: BrowserContext[] = [];
let tokenRequests = 0;
let tokenRequestsWithCookie = 0;

function mint(userId: number, name: string, lifetimeSeconds = 3600, secret = JWT_SECRET): Promise<string> {
  return new SignJWT({ name })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(String(userId))
    .setIssuedAt()
    .setExpirationTime(Math.floor(Date.now() / 1000) + lifetimeSeconds)
    .sign(new TextEncoder().encode(secret));
}

/** The host app: `/token` for its signed-in users (cookie), `/embed` a page that frames Parley and hands it a token. */
function startHost(): Promise<void> {
  host = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://host');
    if (url.pathname === '/token') {
      tokenRequests++;
      const origin = req.headers.origin ?? '';
      res.setHeader('access-control-allow-origin', origin);
      res.setHeader('access-control-allow-credentials', 'true');
      res.setHeader('vary', 'Origin');
      if (!(req.headers.cookie ?? '').includes(HOST_COOKIE)) {
        res.writeHead(401, { 'content-type': 'application/json' }).end('{"error":"not signed in"}');
        return;
      }
      tokenRequestsWithCookie++;
      // Short-lived, so the client has to fetch the next one before it expires.
      void mint(6201, 'Ivy', 65).then((token) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ token })));
      return;
    }
    if (url.pathname === '/embed') {
      const parley = url.searchParams.get('parley')!;
      const token = url.searchParams.get('token')!;
      res.writeHead(200, { 'content-type': 'text/html' }).end(`<!doctype html><title>Host app</title>
<iframe id="chat" src="${parley}/" style="width:900px;height:600px"></iframe>
<script>
  const parley = ${JSON.stringify(new URL(parley).origin)};
  window.addEventListener('message', (event) => {
    if (event.origin !== parley || event.data?.type !== 'parley:ready') return;
    document.getElementById('chat').contentWindow.postMessage({ type: 'parley:token', token: ${JSON.stringify(token)} }, parley);
  });
</script>`);
      return;
    }
    res.writeHead(404).end();
  });
  return new Promise((resolve) =>
    host.listen(0, '127.0.0.1', () => {
      hostOrigin = `http://127.0.0.1:${(host.address() as AddressInfo).port}`;
      resolve();
    }),
  );
}

async function newPage(): Promise<Page> {
  const context = await browser.newContext({ locale: 'en-US' });
  contexts.push(context);
  return context.newPage();
}

describe('sign-in from a host app, in Chromium', () => {
  beforeAll(async () => {
    ensureWebBuilt();
    await startHost();
    const jwt = { JWT_SECRET, PARLEY_DEV_AUTH: 'false' };
    withTokenUrl = await startServer({ ...jwt, PARLEY_WEB_TOKEN_URL: `${hostOrigin}/token` });
    embeddable = await startServer({ ...jwt, PARLEY_WEB_FRAME_ANCESTORS: `'self' ${hostOrigin}` });
    browser = await launchChromium();
  });

  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => undefined);
    await browser?.close();
    await withTokenUrl?.stop();
    await embeddable?.stop();
    await new Promise((resolve) => host?.close(resolve));
  });

  it('signs in with #access_token and removes it from the address bar at once', async () => {
    const page = await newPage();
    await page.goto(`${embeddable.baseUrl}/#access_token=${await mint(6101, 'Hana')}`);
    await page.locator('[data-testid="me"]', { hasText: 'Hana' }).waitFor({ timeout: 30_000 });
    expect(page.url()).not.toContain('access_token');
    expect(await page.evaluate(() => location.hash)).toBe('');
    await page.reload();
    await page.locator('[data-testid="me"]', { hasText: 'Hana' }).waitFor({ timeout: 30_000 });
  });

  it('a token that fails shows a clear message, not a blank page', async () => {
    const wrongSecret = await mint(6102, 'Mallory', 3600, 'another-secret-entirely-0123456789');
    const expired = await mint(6102, 'Mallory', -60);
    for (const token of ['not-a-jwt', wrongSecret, expired]) {
      const page = await newPage();
      await page.goto(`${embeddable.baseUrl}/#access_token=${token}`);
      const alert = page.getByRole('alert');
      await alert.waitFor({ timeout: 30_000 });
      expect(await alert.textContent()).toContain('your access token was rejected');
      expect(page.url()).not.toContain('access_token');
    }
  });

  it('fetches the token from PARLEY_WEB_TOKEN_URL with the host cookie, and again before it expires', async () => {
    const page = await newPage();
    await page.context().addCookies([{ name: 'host_session', value: 'signed-in', domain: '127.0.0.1', path: '/' }]);
    await page.goto(withTokenUrl.baseUrl);
    await page.locator('[data-testid="me"]', { hasText: 'Ivy' }).waitFor({ timeout: 30_000 });
    const before = tokenRequestsWithCookie;
    await eventually(async () => tokenRequestsWithCookie > before, 'a fresh token fetched before the first expires', 30_000);
    await page.locator('[data-testid="me"]', { hasText: 'Ivy' }).waitFor();
  });

  it('says so when the token URL refuses (host app session missing)', async () => {
    const page = await newPage();
    await page.goto(withTokenUrl.baseUrl);
    const alert = page.getByRole('alert');
    await alert.waitFor({ timeout: 30_000 });
    expect(await alert.textContent()).toContain('Could not get a sign-in token from your app (HTTP 401)');
    expect(tokenRequests).toBeGreaterThan(tokenRequestsWithCookie);
  });

  it('sends the frame-ancestors policy on the web client pages', async () => {
    for (const path of ['/', '/index.html']) {
      const res = await fetch(`${embeddable.baseUrl}${path}`);
      expect(res.headers.get('content-security-policy')).toBe(`frame-ancestors 'self' ${hostOrigin}`);
    }
    const res = await fetch(`${withTokenUrl.baseUrl}/`);
    expect(res.headers.get('content-security-policy')).toBe("frame-ancestors 'self'");
    const config = (await (await fetch(`${withTokenUrl.baseUrl}/config.json`)).json()) as { tokenUrl: string; devAuth: boolean };
    expect(config).toMatchObject({ tokenUrl: `${hostOrigin}/token`, devAuth: false });
  });

  it('an allowed host page embeds the client and hands over its token by postMessage', async () => {
    const page = await newPage();
    const token = await mint(6301, 'Jun');
    await page.goto(`${hostOrigin}/embed?parley=${encodeURIComponent(embeddable.baseUrl)}&token=${encodeURIComponent(token)}`);
    await page.frameLocator('#chat').locator('[data-testid="me"]', { hasText: 'Jun' }).waitFor({ timeout: 30_000 });
  });

  it('a host page the policy does not list cannot frame the client', async () => {
    const page = await newPage();
    const token = await mint(6302, 'Kim');
    await page.goto(`${hostOrigin}/embed?parley=${encodeURIComponent(withTokenUrl.baseUrl)}&token=${encodeURIComponent(token)}`);
    const frame = page.frames().find((f) => f !== page.mainFrame());
    expect(frame).toBeTruthy();
    await eventually(async () => frame!.url().startsWith('chrome-error:') || (await frame!.locator('#app').count()) === 0, 'framing refused', 10_000);
    expect(await frame!.locator('[data-testid="me"]').count()).toBe(0);
  });
});
