import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FuzzServer, SUITE_SEED, fuzzRuns, fuzzSeed } from './support/fuzz-server.js';
import { fuzzSignalR } from './support/signalr-fuzzer.js';
import { signalrWitness, type Witness } from './support/witnesses.js';

/**
 * Mutated SignalR handshakes and hub records on raw WebSockets: each bad input ends only its own
 * connection, with a coded error; two official clients keep chatting; nothing is logged as an
 * error and nothing is thrown unhandled. PARLEY_FUZZ_RUNS sets the number of inputs.
 */
describe('SignalR fuzzing', () => {
  let fuzz: FuzzServer;
  let witness: Witness;

  beforeAll(async () => {
    // A mutated handshake left without its separator is canceled quickly instead of after 15 s.
    fuzz = await FuzzServer.start({}, { signalr: { handshakeTimeoutMs: 500 } });
    witness = await signalrWitness(fuzz.server, 1, 2);
  });
  afterAll(async () => {
    await witness?.[Symbol.asyncDispose]();
    await fuzz?.[Symbol.asyncDispose]();
  });

  it('survives mutated handshakes and records with coded errors, and others keep chatting', async () => {
    const seed = fuzzSeed(SUITE_SEED);
    const report = await fuzzSignalR({ url: fuzz.server.url, wsUrl: fuzz.server.wsUrl, token: await fuzz.server.token(5), peer: 6, inputs: fuzzRuns(200), inputsPerConnection: 4, seed });
    await fuzz.server.token(6);
    await witness.chat();
    expect({ seed, findings: [...report.findings, ...fuzz.problems(report.protocol)] }).toEqual({ seed, findings: [] });
    expect(report.outcomes['Close with error, then close']).toBeGreaterThan(0);
  }, 180_000);
});
