/**
 * The verification snippet in docs/safety.md is what outsiders will run to check a report's
 * evidence; this runs it against chains built here, so the documentation cannot drift.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { buildChain, chainHead, type ChainedEntry } from './evidence-chain.js';

type Verify = (chain: readonly ChainedEntry[], head?: string) => { intact: boolean; firstBrokenIndex: number | null };

const docs = readFileSync(new URL('../../../../../docs/safety.md', import.meta.url), 'utf8');
const snippet = /### Verifying a chain yourself[\s\S]*?```js\n([\s\S]*?)```/.exec(docs)?.[1];
const directory = mkdtempSync(join(tmpdir(), 'parley-evidence-snippet-'));

afterAll(() => rmSync(directory, { recursive: true, force: true }));

async function documentedVerify(): Promise<Verify> {
  const file = join(directory, 'verify.mjs');
  writeFileSync(file, snippet!);
  return ((await import(pathToFileURL(file).href)) as { verify: Verify }).verify;
}

describe('the verification snippet of docs/safety.md', () => {
  it('is there and is at most a dozen lines', () => {
    expect(snippet).toBeDefined();
    expect(snippet!.trim().split('\n').length).toBeLessThanOrEqual(12);
  });

  it('agrees with verifyChain on intact and tampered chains', async () => {
    const verify = await documentedVerify();
    const chain = buildChain([
      { messageId: 1, content: '你好 "quoted"', extra: { b: 2, a: [1.5, null] }, recalled: false },
      { messageId: 2, content: 'second', skipped: undefined },
      { messageId: 3, content: '😀' },
    ]);
    expect(verify(chain, chainHead(chain))).toEqual({ intact: true, firstBrokenIndex: null });
    expect(verify([chain[0]!, { ...chain[1]!, content: 'changed' }, chain[2]!])).toEqual({ intact: false, firstBrokenIndex: 1 });
    expect(verify([chain[0]!, chain[2]!])).toEqual({ intact: false, firstBrokenIndex: 1 });
    expect(verify(chain.slice(0, 2), chainHead(chain))).toEqual({ intact: false, firstBrokenIndex: 2 });
  });
});
