import fc from 'fast-check';
import { count, newReport, printable, type FuzzReport } from './fuzz-server.js';
import { mutatedJson, mutatedText } from './mutations.js';
import { connectFrame, ServerFrameReader, stompInput, type ServerFrame } from './stomp-inputs.js';
import { WatchedSocket } from './watched-socket.js';

export interface SockjsFuzzOptions {
  url: string;
  wsUrl: string;
  token: string;
  peer: number;
  inputs: number;
  inputsPerConnection: number;
  /**
   * Send a connection's whole batch at once instead of one input per event-loop turn: the long
   * run's way to many inputs per second. Inputs after a fatal one then check that the server
   * ignores what follows its error; paced runs stop at the first error.
   */
  pipelined?: boolean;
  seed: number;
}

/** What the SockJS WebSocket transport sent: STOMP frames from `a[...]`, and the `c[...]` close. */
interface SockjsOutput {
  frames: ServerFrame[];
  closeFrame: string | null;
}

/** SockJS envelopes: a JSON array of strings, each holding STOMP text (mutated or not), or a mutated envelope. */
export function envelopeInput(peer: number): fc.Arbitrary<string> {
  const stompText = stompInput(peer).map((input) => (typeof input === 'string' ? input : input.toString('utf8')));
  const valid = stompText.map((text) => JSON.stringify([text]));
  return fc.oneof(
    { weight: 4, arbitrary: valid },
    { weight: 1, arbitrary: fc.array(stompText, { minLength: 2, maxLength: 4 }).map((texts) => JSON.stringify(texts)) },
    { weight: 2, arbitrary: valid.chain((envelope) => mutatedText(envelope)) },
    { weight: 2, arbitrary: mutatedJson(['SUBSCRIBE\nid:s\ndestination:/user/queue/messages\n\n\0']) },
    { weight: 1, arbitrary: stompText.map((text) => JSON.stringify(text)) },
  );
}

const probe = (id: string) => JSON.stringify([`SEND\ndestination:/app/chat.typing\ncontent-type:application/json\nreceipt:${id}\n\n{"receiverId":1,"typing":false}\0`]);

let sessions = 0;
const sessionPath = () => `/ws/${String(sessions % 1000).padStart(3, '0')}/fz${process.pid}x${++sessions}`;

/**
 * SockJS over its WebSocket transport (`/ws/{server}/{session}/websocket`): CONNECT in an envelope,
 * then mutated envelopes, then a probe. Each connection must end with the probe's RECEIPT, with a
 * STOMP ERROR then `c[...]` and the close, or, for a broken envelope, with `c[3000,"Broken framing."]`.
 */
export async function fuzzSockjsWebSocket(options: SockjsFuzzOptions): Promise<FuzzReport> {
  const report = newReport('SockJS WebSocket');
  const inputs = fc.sample(envelopeInput(options.peer), { numRuns: options.inputs, seed: options.seed });
  let next = 0;
  while (next < inputs.length) {
    const connection = report.connections++;
    const reader = new ServerFrameReader();
    const output: SockjsOutput = { frames: [], closeFrame: null };
    await using socket = await WatchedSocket.open<true>(`${options.wsUrl}${sessionPath()}/websocket`, (data, items) => {
      const text = data.toString('utf8');
      if (text.startsWith('a')) for (const part of JSON.parse(text.slice(1)) as string[]) reader.push(part, output.frames);
      if (text.startsWith('c')) output.closeFrame = text;
      items.push(true);
    });
    const sent: string[] = [];
    socket.send(JSON.stringify([connectFrame(options.token)]), false);
    await socket.until(() => output.frames.length > 0 || !socket.isOpen, 5_000);
    const ended = () => output.closeFrame !== null || !socket.isOpen;
    const batchEnd = Math.min(inputs.length, next + options.inputsPerConnection);
    for (; next < batchEnd && socket.isOpen && (options.pipelined || !ended()); next++) {
      socket.send(inputs[next]!, false);
      sent.push(inputs[next]!);
      report.inputs++;
      if (!options.pipelined) await new Promise((resolve) => setImmediate(resolve));
    }
    next = batchEnd;
    const id = `probe-${connection}`;
    const answered = () => output.frames.some((f) => f.command === 'RECEIPT' && f.headers['receipt-id']?.startsWith(id));
    socket.send(probe(`${id}-a`), false);
    socket.send(probe(`${id}-b`), false);
    if (!(await socket.until(() => answered() || !socket.isOpen, 1_500))) {
      socket.send(JSON.stringify(['x'.repeat(70 * 1024) + '\0']), false);
      await socket.until(() => answered() || !socket.isOpen, 5_000);
    }
    const input = sent.map(printable).join(' + ');
    const errored = output.frames.some((f) => f.command === 'ERROR');
    if (answered()) count(report, 'probe answered');
    else if (errored && output.closeFrame && !socket.isOpen) count(report, 'ERROR, then c[...] and close');
    else if (output.closeFrame?.startsWith('c[3000,"Broken framing."]') && !socket.isOpen) count(report, 'broken envelope: c[3000], then close');
    else if (!socket.isOpen && sent.some((text) => text.includes('DISCONNECT'))) count(report, 'closed after DISCONNECT');
    else if (!socket.isOpen && sent.some((text) => Buffer.byteLength(text) > 256 * 1024)) count(report, 'message over the WebSocket limit: closed by ws without ERROR');
    else report.findings.push({ protocol: report.protocol, problem: `ended without the protocol's error (ERROR frame: ${errored}, close frame: ${output.closeFrame}, socket: ${socket.closeCode})`, input });
  }
  return report;
}

/**
 * SockJS `xhr_send` bodies on live xhr sessions: every body is answered 204, 404 (the session
 * was closed by an earlier STOMP ERROR), 413 with PAYLOAD_TOO_LARGE, or SockJS's own 500
 * "Broken JSON encoding." / "Payload expected."; the session's next poll answers 200. Any other
 * answer is a finding.
 */
export async function fuzzSockjsXhrSend(options: SockjsFuzzOptions & { sessionsAtOnce?: number }): Promise<FuzzReport> {
  const report = newReport('SockJS xhr_send');
  const inputs = fc.sample(envelopeInput(options.peer), { numRuns: options.inputs, seed: options.seed });
  let next = 0;
  const session = async () => {
    report.connections++;
    const base = `${options.url}${sessionPath()}`;
    const opened = await fetch(`${base}/xhr`, { method: 'POST' });
    const openText = await opened.text();
    if (opened.status !== 200 || !openText.startsWith('o')) throw new Error(`SockJS xhr session did not open: ${opened.status} ${openText}`);
    const post = (body: string) => fetch(`${base}/xhr_send`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body });
    await (await post(JSON.stringify([connectFrame(options.token)]))).arrayBuffer();
    for (let sent = 0; sent < options.inputsPerConnection && next < inputs.length; sent++) {
      const body = inputs[next++]!;
      const response = await post(body);
      const text = await response.text();
      report.inputs++;
      const protocolError = response.status === 500 && (text === 'Broken JSON encoding.' || text === 'Payload expected.');
      const tooLarge = response.status === 413 && text.includes('"code":"PAYLOAD_TOO_LARGE"');
      if (response.status === 204 || response.status === 404 || protocolError || tooLarge) count(report, protocolError ? `500 ${text}` : String(response.status));
      else report.findings.push({ protocol: report.protocol, problem: `xhr_send answered ${response.status} ${text.slice(0, 200)}`, input: printable(body) });
    }
    const poll = await fetch(`${base}/xhr`, { method: 'POST' });
    const polled = await poll.text();
    if (poll.status !== 200 && poll.status !== 404) report.findings.push({ protocol: report.protocol, problem: `the session's poll answered ${poll.status} ${polled.slice(0, 200)}` });
  };
  const worker = async () => {
    while (next < inputs.length) await session();
  };
  await Promise.all(Array.from({ length: options.sessionsAtOnce ?? 1 }, worker));
  return report;
}
