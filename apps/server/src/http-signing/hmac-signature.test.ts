/**
 * The request signature of the before-send hook (and webhooks), and the Node verification snippet
 * of docs/safety.md run against signatures made here, so the documentation cannot drift.
 */
import { createHmac } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { SIGNATURE_HEADER, signatureHeaders, signBody, TIMESTAMP_HEADER, verifySignature } from './hmac-signature.js';

const SECRET = 'whsec-test';
const BODY = '{"event":"message.before_send","message":{"content":"你好"}}';

describe('signBody', () => {
  it('is the lowercase hex HMAC-SHA256 of "<timestamp>.<body>"', () => {
    const expected = createHmac('sha256', SECRET).update(`1764489600.${BODY}`, 'utf8').digest('hex');
    expect(signBody(SECRET, 1764489600, BODY)).toBe(expected);
    expect(signBody(SECRET, 1764489600, BODY)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('gives the two headers for a body signed at a time, in seconds', () => {
    const headers = signatureHeaders(SECRET, BODY, 1_764_489_600_999);
    expect(headers[TIMESTAMP_HEADER]).toBe('1764489600');
    expect(headers[SIGNATURE_HEADER]).toBe(`sha256=${signBody(SECRET, 1764489600, BODY)}`);
  });
});

describe('verifySignature', () => {
  const now = 1_764_489_600_000;
  const { [TIMESTAMP_HEADER]: timestamp, [SIGNATURE_HEADER]: signature } = signatureHeaders(SECRET, BODY, now);

  it('accepts a signature of this body and secret within the tolerance', () => {
    expect(verifySignature(SECRET, timestamp!, signature!, BODY, now + 299_000)).toBe(true);
  });

  it('refuses another body, another secret, another timestamp, an old timestamp or a mangled header', () => {
    expect(verifySignature(SECRET, timestamp!, signature!, BODY.replace('你好', '你坏'), now)).toBe(false);
    expect(verifySignature('other', timestamp!, signature!, BODY, now)).toBe(false);
    expect(verifySignature(SECRET, String(Number(timestamp) + 1), signature!, BODY, now)).toBe(false);
    expect(verifySignature(SECRET, timestamp!, signature!, BODY, now + 301_000)).toBe(false);
    expect(verifySignature(SECRET, timestamp!, signature!.slice(0, -1), BODY, now)).toBe(false);
    expect(verifySignature(SECRET, 'abc', signature!, BODY, now)).toBe(false);
  });
});

describe('the Node verification snippet of docs/safety.md', () => {
  const docs = readFileSync(new URL('../../../../docs/safety.md', import.meta.url), 'utf8');
  const snippet = /#### The signature[\s\S]*?```js\n([\s\S]*?)```/.exec(docs)?.[1];
  const directory = mkdtempSync(join(tmpdir(), 'parley-signature-snippet-'));
  afterAll(() => rmSync(directory, { recursive: true, force: true }));

  type Verify = (secret: string, headers: Record<string, string>, rawBody: string | Buffer) => boolean;
  async function documentedVerify(): Promise<Verify> {
    const file = join(directory, 'verify.mjs');
    writeFileSync(file, snippet!);
    return ((await import(pathToFileURL(file).href)) as { verifyParleySignature: Verify }).verifyParleySignature;
  }

  it('accepts what the server signs now, as a string or as raw bytes, and refuses a changed body', async () => {
    expect(snippet).toBeDefined();
    const verify = await documentedVerify();
    const headers = Object.fromEntries(Object.entries(signatureHeaders(SECRET, BODY, Date.now())).map(([name, value]) => [name.toLowerCase(), value]));
    expect(verify(SECRET, headers, BODY)).toBe(true);
    expect(verify(SECRET, headers, Buffer.from(BODY, 'utf8'))).toBe(true);
    expect(verify(SECRET, headers, BODY.replace('你好', '你坏'))).toBe(false);
    expect(verify('other', headers, BODY)).toBe(false);
  });
});
