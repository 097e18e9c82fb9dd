import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FuzzServer, SUITE_SEED, fuzzRuns, fuzzSeed } from './support/fuzz-server.js';
import { fuzzRest } from './support/rest-fuzzer.js';
import { restWitness, type Witness } from './support/witnesses.js';

/**
 * Mutated REST bodies, paths and content types: never a 5xx, every 4xx with a coded error body;
 * two REST users keep chatting; nothing is logged as an error and nothing is thrown unhandled.
 * PARLEY_FUZZ_RUNS sets the number of requests.
 */
describe('REST fuzzing', () => {
  let fuzz: FuzzServer;
  let witness: Witness;

  beforeAll(async () => {
    fuzz = await FuzzServer.start();
    witness = await restWitness(fuzz.server, 1, 2);
  });
  afterAll(async () => {
    await witness?.[Symbol.asyncDispose]();
    await fuzz?.[Symbol.asyncDispose]();
  });

  it('answers mutated requests with coded 4xx errors, never 5xx, and others keep chatting', async () => {
    const seed = fuzzSeed(SUITE_SEED);
    const token = await fuzz.server.token(5);
    await fuzz.server.token(6);
    const report = await fuzzRest({ url: fuzz.server.url, token, peer: 6, inputs: fuzzRuns(200), concurrency: 4, seed });
    await witness.chat();
    expect({ seed, findings: [...report.findings, ...fuzz.problems(report.protocol)] }).toEqual({ seed, findings: [] });
    expect(report.outcomes['400']).toBeGreaterThan(0);
  }, 180_000);
});
