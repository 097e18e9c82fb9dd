/**
 * `npx tsx bench/token-check.ts [rounds]`: HS256 token checks per second, `jose`'s jwtVerify (an
 * asynchronous WebCrypto job per token) against the synchronous HMAC the server uses, in
 * interleaved rounds within one process. Each round checks the same 10,000 distinct tokens, 256
 * at a time as a connection storm would, and prints both rates and their ratio.
 */
import { randomBytes } from 'node:crypto';
import { jwtVerify } from 'jose';
import { Hs256Verifier } from '../apps/server/src/auth/hs256-verify.js';
import { signTokens } from './tokens.js';

const ROUNDS = Number(process.argv[2] ?? 5);
const COUNT = 10_000;
const AT_ONCE = 256;
const secret = randomBytes(24).toString('hex');
const key = new TextEncoder().encode(secret);
const tokens = [...(await signTokens(secret, Array.from({ length: COUNT }, (_, i) => i + 1))).values()];
const checks = { maxTokenAge: 3600, clockTolerance: 30 };
const hmac = new Hs256Verifier(key);

const systems: Record<string, (token: string) => Promise<unknown>> = {
  'jose jwtVerify (WebCrypto)': (token) => jwtVerify(token, key, { algorithms: ['HS256'], requiredClaims: ['exp', 'iat'], maxTokenAge: 3600, clockTolerance: 30 }),
  // Awaited like the server does (its verify is an async method), so both pay a promise.
  'synchronous HMAC': async (token) => hmac.verify(token, checks),
};

async function rate(check: (token: string) => Promise<unknown>): Promise<number> {
  const started = performance.now();
  for (let i = 0; i < COUNT; i += AT_ONCE) await Promise.all(tokens.slice(i, i + AT_ONCE).map(check));
  return COUNT / ((performance.now() - started) / 1000);
}

const rates = new Map<string, number[]>();
for (let round = 0; round <= ROUNDS; round++) {
  for (const [name, check] of Object.entries(systems)) {
    const perSecond = await rate(check);
    // Round 0 warms both paths up and is not counted.
    if (round > 0) rates.set(name, [...(rates.get(name) ?? []), perSecond]);
  }
}
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const [a, b] = Object.keys(systems).map((name) => median(rates.get(name)!)) as [number, number];
for (const [name, values] of rates) console.log(`${name}: median ${median(values).toFixed(0)} checks/s (rounds: ${values.map((v) => v.toFixed(0)).join(', ')})`);
console.log(`ratio synchronous / jose: ${(b / a).toFixed(2)}×`);
