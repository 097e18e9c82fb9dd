import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { freePort } from '../support/redis-server-process.js';
import { startTestServer, type TestServer } from '../support/test-app.js';

const run = promisify(execFile);
const deployDir = fileURLToPath(new URL('../../../../docs/deploy/', import.meta.url));
const RS = '\u001e';

/** The first of `candidates` that runs with `args`, or null. */
async function findTool(candidates: string[], args: string[]): Promise<string | null> {
  for (const candidate of candidates) {
    try {
      await run(candidate, args);
      return candidate;
    } catch {
      // not installed here: try the next place
    }
  }
  return null;
}

const nginx = await findTool(['nginx', '/usr/sbin/nginx'], ['-v']);
const openssl = await findTool(['openssl'], ['version']);
const systemdAnalyze = await findTool(['systemd-analyze'], ['--version']);

const site = () => readFile(join(deployDir, 'nginx-parley.conf'), 'utf8');

/** A throw-away nginx prefix whose nginx.conf includes the site, with a self-signed certificate in place of the real one. */
async function nginxPrefix(siteText: string): Promise<{ dir: string; conf: string; errorLog: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'parley-nginx-'));
  await run(openssl!, ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=chat.example.com', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')]);
  const withCertificate = siteText
    .replace('/etc/letsencrypt/live/chat.example.com/fullchain.pem', join(dir, 'cert.pem'))
    .replace('/etc/letsencrypt/live/chat.example.com/privkey.pem', join(dir, 'key.pem'));
  await writeFile(join(dir, 'parley.conf'), withCertificate);
  for (const temp of ['body', 'proxy']) await mkdir(join(dir, temp));
  const conf = join(dir, 'nginx.conf');
  await writeFile(
    conf,
    [
      `pid ${join(dir, 'nginx.pid')};`,
      `error_log ${join(dir, 'error.log')};`,
      'events {}',
      'http {',
      '    access_log off;',
      `    client_body_temp_path ${join(dir, 'body')};`,
      `    proxy_temp_path ${join(dir, 'proxy')};`,
      `    include ${join(dir, 'parley.conf')};`,
      '}',
      '',
    ].join('\n'),
  );
  return { dir, conf, errorLog: join(dir, 'error.log') };
}

/** The directives of the site's `location <match> { … }` block. */
function locationBlock(siteText: string, match: string): string {
  const start = siteText.indexOf(`location ${match} {`);
  if (start < 0) throw new Error(`the site has no location ${match}`);
  return siteText.slice(start, siteText.indexOf('}', start));
}

const nginxSkipReason = !nginx ? ' (skipped: nginx is not installed; apt-get install nginx-light)' : !openssl ? ' (skipped: openssl is not installed)' : '';

describe.skipIf(nginxSkipReason !== '')(`docs/deploy/nginx-parley.conf${nginxSkipReason}`, () => {
  it('passes nginx -t without a warning', async () => {
    const prefix = await nginxPrefix(await site());
    try {
      const { stderr } = await run(nginx!, ['-t', '-p', prefix.dir, '-c', prefix.conf, '-e', prefix.errorLog]);
      expect(stderr).toContain('test is successful');
      expect(stderr).not.toMatch(/\[(warn|emerg|alert|crit)\]/);
    } finally {
      await rm(prefix.dir, { recursive: true, force: true });
    }
  });

  it('gives the socket paths WebSocket upgrades, unbuffered responses and hour-long timeouts', async () => {
    const text = await site();
    expect(text).toMatch(/proxy_set_header Upgrade\s+\$http_upgrade;/);
    expect(text).toMatch(/proxy_set_header Connection\s+\$parley_connection;/);
    for (const match of ['~ ^/ws(/|$)', '/hubs/chat']) {
      const block = locationBlock(text, match);
      expect(block, match).toContain('proxy_pass http://parley_sticky;');
      expect(block, match).toContain('proxy_buffering off;');
      expect(block, match).toContain('proxy_read_timeout 3600s;');
      expect(block, match).toContain('proxy_send_timeout 3600s;');
    }
  });

  describe('running in front of a real server', () => {
    let server: TestServer;
    let prefix: Awaited<ReturnType<typeof nginxPrefix>>;
    let proxy: ChildProcess;
    let base: string;

    beforeAll(async () => {
      server = await startTestServer();
      const [httpPort, tlsPort] = [await freePort(), await freePort()];
      const serverPort = new URL(server.url).port;
      const text = (await site())
        .replace(/^\s*listen \[::\]:\d+.*$/gm, '')
        .replace(/listen 80;/g, `listen 127.0.0.1:${httpPort};`)
        .replace(/listen 443 ssl http2;/g, `listen 127.0.0.1:${tlsPort} ssl http2;`)
        .replaceAll('server 127.0.0.1:8080', `server 127.0.0.1:${serverPort}`);
      prefix = await nginxPrefix(text);
      proxy = spawn(nginx!, ['-p', prefix.dir, '-c', prefix.conf, '-e', prefix.errorLog, '-g', 'daemon off;'], { stdio: 'ignore' });
      base = `127.0.0.1:${tlsPort}`;
      const deadline = Date.now() + 20_000;
      while ((await httpsRequest('GET', `https://${base}/healthz`).catch(() => null))?.status !== 200) {
        if (Date.now() > deadline || proxy.exitCode !== null) throw new Error(`nginx did not come up: ${await readFile(prefix.errorLog, 'utf8').catch(() => '')}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    });

    afterAll(async () => {
      if (proxy && proxy.exitCode === null) {
        const exited = new Promise((resolve) => proxy.once('exit', resolve));
        proxy.kill('SIGTERM');
        await exited;
      }
      await server?.[Symbol.asyncDispose]();
      if (prefix) await rm(prefix.dir, { recursive: true, force: true });
    });

    it('carries STOMP over WebSocket at /ws', async () => {
      const token = await server.token(7, 'Alice');
      const socket = new WebSocket(`wss://${base}/ws?access_token=${token}`, { rejectUnauthorized: false });
      try {
        const first = nextMessage(socket);
        await opened(socket);
        socket.send('CONNECT\naccept-version:1.2\nhost:chat.example.com\nheart-beat:0,0\n\n\0');
        expect(await first).toMatch(/^CONNECTED\n/);
      } finally {
        socket.close();
      }
    });

    it('carries a SignalR negotiate and its WebSocket at /hubs/chat', async () => {
      const token = await server.token(9, 'Bob');
      const negotiate = await httpsRequest('POST', `https://${base}/hubs/chat/negotiate?negotiateVersion=1&access_token=${token}`);
      expect(negotiate.status).toBe(200);
      const { connectionToken } = JSON.parse(negotiate.body) as { connectionToken: string };
      const socket = new WebSocket(`wss://${base}/hubs/chat?id=${encodeURIComponent(connectionToken)}&access_token=${token}`, { rejectUnauthorized: false });
      try {
        const first = nextMessage(socket);
        await opened(socket);
        socket.send(JSON.stringify({ protocol: 'json', version: 1 }) + RS);
        expect(await first).toMatch(new RegExp(`^\\{\\}${RS}`));
      } finally {
        socket.close();
      }
    });

    it('serves REST through the balanced upstream and keeps /metrics to direct scrapes', async () => {
      expect((await httpsRequest('GET', `https://${base}/healthz`)).status).toBe(200);
      expect((await httpsRequest('GET', `https://${base}/metrics`)).status).toBe(403);
    });
  });
});

describe.skipIf(!systemdAnalyze)(`docs/deploy/parley.service${systemdAnalyze ? '' : ' (skipped: systemd-analyze is not installed)'}`, () => {
  it('passes systemd-analyze verify without a complaint', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'parley-unit-'));
    try {
      // The unit names Debian's /usr/bin/node; verify checks that ExecStart exists, so point it at the node running this test.
      const unit = (await readFile(join(deployDir, 'parley.service'), 'utf8')).replace('/usr/bin/node ', `${process.execPath} `);
      await writeFile(join(dir, 'parley.service'), unit);
      const { stdout, stderr } = await run(systemdAnalyze!, ['verify', join(dir, 'parley.service')]);
      expect(stdout + stderr).toBe('');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('gives the drain on SIGTERM (25 s at most) time before systemd kills', async () => {
    const unit = await readFile(join(deployDir, 'parley.service'), 'utf8');
    expect(unit).toContain('ExecStart=/usr/bin/node /opt/parley/apps/server/dist/main.js');
    const stopSeconds = Number(/^TimeoutStopSec=(\d+)s$/m.exec(unit)?.[1]);
    expect(stopSeconds).toBeGreaterThan(25);
  });
});

describe('docs/deployment.md', () => {
  it('quotes the shipped unit and site exactly as they are', async () => {
    const doc = await readFile(join(deployDir, '../deployment.md'), 'utf8');
    expect(doc).toContain('```ini\n' + (await readFile(join(deployDir, 'parley.service'), 'utf8')) + '```');
    expect(doc).toContain('```nginx\n' + (await site()) + '```');
  });
});

function opened(socket: WebSocket): Promise<void> {
  return new Promise((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
}

function nextMessage(socket: WebSocket): Promise<string> {
  return new Promise((resolve, reject) => {
    socket.once('message', (data: Buffer) => resolve(data.toString('utf8')));
    socket.once('error', reject);
  });
}

function httpsRequest(method: string, url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const outgoing = request(url, { method, rejectUnauthorized: false }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      response.on('error', reject);
    });
    outgoing.on('error', reject);
    outgoing.end();
  });
}
