import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { startTestServer } from '../support/test-app.js';

const run = promisify(execFile);

/** The README's curl walk-through: the first bash block that signs in through /auth/dev-token. */
async function walkThrough(readme: string): Promise<string> {
  const text = await readFile(new URL(`../../../../${readme}`, import.meta.url), 'utf8');
  const block = [...text.matchAll(/```bash\n([\s\S]*?)```/g)].map((match) => match[1] ?? '').find((code) => code.includes('/auth/dev-token'));
  if (block === undefined) throw new Error(`${readme} has no curl walk-through`);
  return block;
}

const curlAvailable = await run('curl', ['--version']).then(
  () => true,
  () => false,
);

describe.skipIf(!curlAvailable)('the README curl walk-through, run as written against a real server', () => {
  for (const readme of ['README.md', 'README.zh-CN.md']) {
    // A server with its embedded database and a bash session per README: slow on a loaded machine.
    it(`${readme}: Bob's read mark reaches Alice's message even when their conversation is not the first one`, { timeout: 180_000 }, async () => {
      await using server = await startTestServer();
      // Another pair talks first, so Alice and Bob's conversation does not get id 1.
      const carol = await server.token(3, 'Carol');
      await server.token(4, 'Dave');
      expect((await server.api(carol, 'POST', '/messages', { receiverId: 4, messageType: 'TEXT', content: 'first', clientMsgId: 'other-1' })).status).toBe(201);

      const script = (await walkThrough(readme)).replaceAll('localhost:8080', server.url.replace(/^http:\/\//, ''));
      const { stdout } = await run('bash', ['-euo', 'pipefail', '-c', script], { timeout: 60_000 });

      const sent = JSON.parse(stdout.split('\n')[0] ?? '');
      expect(sent.conversationId).not.toBe(1);
      const alice = await server.token(7, 'Alice');
      const history = await server.api(alice, 'GET', '/messages/history/9');
      expect(history.status).toBe(200);
      expect(history.body.items.map((m: { content: string; isRead: boolean }) => [m.content, m.isRead])).toEqual([['你好', true]]);
    });
  }
});
