import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyPluginAsync } from 'fastify';
import type { Config } from '../config.js';
import { AppError } from '../domain/app-error.js';

const WEB_CLIENT_DIR = fileURLToPath(new URL('../../../web/dist/', import.meta.url));
/** The admin console's entry page in the same build, served at /admin. */
const ADMIN_PAGE = 'admin.html';
/**
 * The console holds the admin token and shows what users wrote: it runs only its own bundle and
 * talks only to its own origin, so injected markup could neither run nor send the token away, and
 * no page may frame it (clickjacking).
 */
const ADMIN_PAGE_POLICY = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/** What the web client reads at start (`GET /config.json`) to know how to sign in. */
export interface WebClientSettings {
  devAuth: boolean;
  tokenUrl: string | null;
  /** The CSP frame-ancestors sources: the client accepts a `postMessage` token only from a matching parent. */
  frameAncestors: string[];
}

/**
 * The Vue web client at `/` (apps/web/dist), the admin console at `/admin` (only while
 * PARLEY_ADMIN_TOKEN is set), the client's `/config.json`, and the `frame-ancestors` policy
 * that decides which host apps may embed it in an iframe (clickjacking: a foreign page must not
 * frame a signed-in chat).
 */
export const webClientRoutes: FastifyPluginAsync<{ config: Readonly<Config> }> = async (app, { config }) => {
  const policy = `frame-ancestors ${config.web.frameAncestors.join(' ')}`;
  const settings: WebClientSettings = { devAuth: config.devAuth, tokenUrl: config.web.tokenUrl, frameAncestors: config.web.frameAncestors };

  app.get('/config.json', { schema: { hide: true } }, async (_request, reply) => reply.header('cache-control', 'no-store').send(settings));

  if (!existsSync(WEB_CLIENT_DIR)) {
    app.get('/', { schema: { hide: true } }, async (_request, reply) =>
      reply
        .type('text/html; charset=utf-8')
        .header('content-security-policy', policy)
        .send('<!doctype html><title>Parley</title><p>Parley is running. The web client is not built: run <code>npm run build</code>. API docs: <a href="/docs">/docs</a>.</p>'),
    );
    return;
  }
  await app.register(fastifyStatic, {
    root: WEB_CLIENT_DIR,
    prefix: '/',
    wildcard: false,
    index: ['index.html'],
    decorateReply: false,
    // The console's page is reachable only as /admin, and only while the admin API is on.
    allowedPath: (pathName) => pathName !== `/${ADMIN_PAGE}`,
    setHeaders: (res) => res.setHeader('content-security-policy', policy),
  });
  if (config.adminToken) {
    // Read per request: a rebuilt console is served without a restart, like the static files.
    app.get('/admin', { schema: { hide: true } }, async (_request, reply) => {
      const page = await readFile(join(WEB_CLIENT_DIR, ADMIN_PAGE)).catch(() => null);
      if (!page) throw new AppError('NOT_FOUND', 'the admin console is not built: run npm run build');
      return (
        reply
          .type('text/html; charset=utf-8')
          .header('cache-control', 'no-cache')
          .header('content-security-policy', ADMIN_PAGE_POLICY)
          .send(page)
      );
    });
  }
  // Browsers and crawlers ask for /favicon.ico whatever the page links.
  app.get('/favicon.ico', { schema: { hide: true } }, async (_request, reply) => reply.redirect('/favicon.svg', 301));
};
