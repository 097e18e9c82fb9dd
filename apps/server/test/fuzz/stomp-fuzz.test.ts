import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FuzzServer, SUITE_SEED, fuzzRuns, fuzzSeed } from './support/fuzz-server.js';
import { fuzzStompWebSocket } from './support/stomp-fuzzer.js';
import { stompWitness, type Witness } from './support/witnesses.js';

/**
 * Mutated STOMP frames on raw WebSockets to /ws: each bad frame ends only its own connection,
 * with an ERROR frame then the close; two STOMP users keep chatting; nothing is logged as an
 * error and nothing is thrown unhandled. PARLEY_FUZZ_RUNS sets the number of frames.
 */
describe('STOMP fuzzing', () => {
  let fuzz: FuzzServer;
  let witness: Witness;

  beforeAll(async () => {
    fuzz = await FuzzServer.start({ PARLEY_STOMP_CONNECT_TIMEOUT_MS: '1000' });
    witness = await stompWitness(fuzz.server, 1, 2);
  });
  afterAll(async () => {
    await witness?.[Symbol.asyncDispose]();
    await fuzz?.[Symbol.asyncDispose]();
  });

  it('answers mutated frames with ERROR then close, and others keep chatting', async () => {
    const seed = fuzzSeed(SUITE_SEED);
    const token = await fuzz.server.token(5);
    await fuzz.server.token(6);
    const report = await fuzzStompWebSocket({ wsUrl: fuzz.server.wsUrl, token, peer: 6, inputs: fuzzRuns(200), inputsPerConnection: 4, seed });
    await witness.chat();
    expect({ seed, findings: [...report.findings, ...fuzz.problems(report.protocol)] }).toEqual({ seed, findings: [] });
    expect(report.outcomes['ERROR, then close']).toBeGreaterThan(0);
  }, 180_000);
});
