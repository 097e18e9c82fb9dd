/**
 * `npm run fuzz`: the long fuzz run. Each protocol gets PARLEY_FUZZ_RUNS mutated inputs (default
 * 100,000), batched many per connection, against one in-process server per protocol; a table of
 * inputs, connections, outcomes and time is printed, and every finding. Exits 1 on any finding.
 */
import { FuzzServer, fuzzRuns, fuzzSeed, type FuzzReport } from './support/fuzz-server.js';
import { fuzzRest } from './support/rest-fuzzer.js';
import { fuzzSignalR } from './support/signalr-fuzzer.js';
import { fuzzSockjsWebSocket, fuzzSockjsXhrSend } from './support/sockjs-fuzzer.js';
import { fuzzStompWebSocket } from './support/stomp-fuzzer.js';
import { restWitness, signalrWitness, stompWitness, type Witness } from './support/witnesses.js';

const runs = fuzzRuns(100_000);
const seed = fuzzSeed();
const only = process.argv.slice(2);

interface Protocol {
  name: string;
  env?: Record<string, string>;
  doorOptions?: Record<string, unknown>;
  witness(fuzz: FuzzServer): Promise<Witness>;
  run(fuzz: FuzzServer, token: string): Promise<FuzzReport>;
}

const PROTOCOLS: Protocol[] = [
  {
    name: 'stomp',
    env: { PARLEY_STOMP_CONNECT_TIMEOUT_MS: '1000' },
    witness: (fuzz) => stompWitness(fuzz.server, 1, 2),
    run: (fuzz, token) => fuzzStompWebSocket({ wsUrl: fuzz.server.wsUrl, token, peer: 6, inputs: runs, inputsPerConnection: 50, pipelined: true, seed }),
  },
  {
    name: 'sockjs-websocket',
    env: { PARLEY_STOMP_CONNECT_TIMEOUT_MS: '1000' },
    witness: (fuzz) => stompWitness(fuzz.server, 1, 2),
    run: (fuzz, token) => fuzzSockjsWebSocket({ url: fuzz.server.url, wsUrl: fuzz.server.wsUrl, token, peer: 6, inputs: runs, inputsPerConnection: 50, pipelined: true, seed }),
  },
  {
    name: 'sockjs-xhr_send',
    witness: (fuzz) => stompWitness(fuzz.server, 1, 2),
    run: (fuzz, token) => fuzzSockjsXhrSend({ url: fuzz.server.url, wsUrl: fuzz.server.wsUrl, token, peer: 6, inputs: runs, inputsPerConnection: 200, sessionsAtOnce: 8, seed }),
  },
  {
    name: 'signalr',
    doorOptions: { signalr: { handshakeTimeoutMs: 500 } },
    witness: (fuzz) => signalrWitness(fuzz.server, 1, 2),
    run: (fuzz, token) => fuzzSignalR({ url: fuzz.server.url, wsUrl: fuzz.server.wsUrl, token, peer: 6, inputs: runs, inputsPerConnection: 50, pipelined: true, seed }),
  },
  {
    name: 'rest',
    witness: (fuzz) => restWitness(fuzz.server, 1, 2),
    run: (fuzz, token) => fuzzRest({ url: fuzz.server.url, token, peer: 6, inputs: runs, concurrency: 8, seed }),
  },
];

async function runOne(protocol: Protocol): Promise<{ report: FuzzReport; seconds: number }> {
  await using fuzz = await FuzzServer.start(protocol.env, protocol.doorOptions);
  await using witness = await protocol.witness(fuzz);
  const token = await fuzz.server.token(5);
  await fuzz.server.token(6);
  const started = performance.now();
  const report = await protocol.run(fuzz, token);
  const seconds = (performance.now() - started) / 1000;
  try {
    await witness.chat();
  } catch (error) {
    report.findings.push({ protocol: report.protocol, problem: `a well-behaved client could not chat afterwards: ${String(error)}` });
  }
  report.findings.push(...fuzz.problems(report.protocol));
  return { report, seconds };
}

let findings = 0;
console.log(`fuzzing with seed ${seed}, ${runs} inputs per protocol`);
console.log('| protocol | inputs | connections or requests | time (s) | findings | outcomes |');
console.log('| --- | ---: | ---: | ---: | ---: | --- |');
for (const protocol of PROTOCOLS.filter((p) => only.length === 0 || only.includes(p.name))) {
  const { report, seconds } = await runOne(protocol);
  const outcomes = Object.entries(report.outcomes)
    .sort((a, b) => b[1] - a[1])
    .map(([name, n]) => `${name}: ${n}`)
    .join('; ');
  console.log(`| ${report.protocol} | ${report.inputs} | ${report.connections} | ${seconds.toFixed(0)} | ${report.findings.length} | ${outcomes} |`);
  for (const finding of report.findings.slice(0, 20)) console.log(`  finding: ${finding.problem}${finding.input ? `\n    input: ${finding.input}` : ''}`);
  findings += report.findings.length;
}
process.exit(findings === 0 ? 0 : 1);
