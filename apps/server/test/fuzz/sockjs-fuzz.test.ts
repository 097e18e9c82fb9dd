import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FuzzServer, SUITE_SEED, fuzzRuns, fuzzSeed } from './support/fuzz-server.js';
import { fuzzSockjsWebSocket, fuzzSockjsXhrSend } from './support/sockjs-fuzzer.js';
import { stompWitness, type Witness } from './support/witnesses.js';

/**
 * Mutated SockJS envelopes, over the SockJS WebSocket transport and as xhr_send bodies: each bad
 * input ends only its own session or request with SockJS's or STOMP's error; two STOMP users keep
 * chatting; nothing is logged as an error and nothing is thrown unhandled. PARLEY_FUZZ_RUNS sets
 * the number of inputs per transport.
 */
describe('SockJS fuzzing', () => {
  let fuzz: FuzzServer;
  let witness: Witness;
  let token: string;

  beforeAll(async () => {
    fuzz = await FuzzServer.start({ PARLEY_STOMP_CONNECT_TIMEOUT_MS: '1000' });
    witness = await stompWitness(fuzz.server, 1, 2);
    token = await fuzz.server.token(5);
    await fuzz.server.token(6);
  });
  afterAll(async () => {
    await witness?.[Symbol.asyncDispose]();
    await fuzz?.[Symbol.asyncDispose]();
  });

  it('answers mutated envelopes on the WebSocket transport with c[...] or ERROR then close', async () => {
    const seed = fuzzSeed(SUITE_SEED);
    const report = await fuzzSockjsWebSocket({ url: fuzz.server.url, wsUrl: fuzz.server.wsUrl, token, peer: 6, inputs: fuzzRuns(150), inputsPerConnection: 4, seed });
    await witness.chat();
    expect({ seed, findings: [...report.findings, ...fuzz.problems(report.protocol)] }).toEqual({ seed, findings: [] });
    expect(report.outcomes['broken envelope: c[3000], then close']).toBeGreaterThan(0);
  }, 180_000);

  it('answers mutated xhr_send bodies with 204, 404 or SockJS 500 texts only', async () => {
    const seed = fuzzSeed(SUITE_SEED);
    const report = await fuzzSockjsXhrSend({ url: fuzz.server.url, wsUrl: fuzz.server.wsUrl, token, peer: 6, inputs: fuzzRuns(150), inputsPerConnection: 10, seed });
    await witness.chat();
    expect({ seed, findings: [...report.findings, ...fuzz.problems(report.protocol)] }).toEqual({ seed, findings: [] });
    expect(report.outcomes['500 Broken JSON encoding.']).toBeGreaterThan(0);
  }, 180_000);
});
