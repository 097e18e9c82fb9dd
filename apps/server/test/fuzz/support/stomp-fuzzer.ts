import fc from 'fast-check';
import { count, newReport, printable, type FuzzReport } from './fuzz-server.js';
import { connectFrame, connectInput, ServerFrameReader, stompInput, type ServerFrame } from './stomp-inputs.js';
import { WatchedSocket } from './watched-socket.js';

export interface StompFuzzOptions {
  wsUrl: string;
  token: string;
  /** The user the fuzzed frames talk to. */
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

/**
 * A frame that gets a RECEIPT on any healthy connection. It goes out twice: when a mutated frame
 * was left without its NUL, the first copy ends up as that frame's body and the second gets through.
 */
const probe = (id: string) => `SEND\ndestination:/app/chat.typing\ncontent-type:application/json\nreceipt:${id}\n\n{"receiverId":1,"typing":false}\0`;

/** The door's WebSocket message limit (4 × the 64 KiB frame limit): ws itself cuts larger messages. */
const WEBSOCKET_MESSAGE_LIMIT = 256 * 1024;

/** Over the 64 KiB frame limit without a NUL: a frame left waiting for its end must now fail. */
const OVERFLOW = 'x'.repeat(70 * 1024) + '\0';

/**
 * STOMP over raw WebSockets to `/ws`: each connection sends CONNECT (now and then a mutated one),
 * then mutated frames, one per message, then a probe. Every connection must end in one of two
 * ways: the probe's RECEIPT (the bad frames were harmless or refused with an error push), or an
 * ERROR frame followed by the close. A close without ERROR, an ERROR without close, or silence
 * is a finding.
 */
export async function fuzzStompWebSocket(options: StompFuzzOptions): Promise<FuzzReport> {
  const report = newReport('STOMP over WebSocket');
  const frames = fc.sample(stompInput(options.peer), { numRuns: options.inputs, seed: options.seed });
  const connects = fc.sample(connectInput(options.token), { numRuns: Math.ceil(options.inputs / options.inputsPerConnection), seed: options.seed + 1 });
  let next = 0;
  while (next < frames.length) {
    const connection = report.connections++;
    const reader = new ServerFrameReader();
    await using socket = await WatchedSocket.open<ServerFrame>(`${options.wsUrl}/ws`, (data, items) => reader.push(data.toString('utf8'), items), ['v12.stomp']);
    const sent: (string | Buffer)[] = [];
    const mutateConnect = connection % 10 === 9;
    const connect = mutateConnect ? connects[connection % connects.length]! : connectFrame(options.token);
    socket.send(connect);
    sent.push(connect);
    if (mutateConnect) report.inputs++;
    const errored = () => socket.items.some((f) => f.command === 'ERROR');
    await socket.until(() => socket.items.some((f) => f.command === 'CONNECTED') || errored() || !socket.isOpen, 5_000);
    const batchEnd = Math.min(frames.length, next + options.inputsPerConnection);
    for (; next < batchEnd && socket.isOpen && (options.pipelined || !errored()); next++) {
      const frame = frames[next]!;
      socket.send(frame);
      sent.push(frame);
      report.inputs++;
      if (!options.pipelined) await new Promise((resolve) => setImmediate(resolve));
    }
    next = batchEnd;
    const id = `probe-${connection}`;
    const answered = () => socket.items.some((f) => f.command === 'RECEIPT' && f.headers['receipt-id']?.startsWith(id));
    const done = () => answered() || !socket.isOpen;
    socket.send(probe(`${id}-a`));
    socket.send(probe(`${id}-b`));
    if (!(await socket.until(done, 1_500))) {
      socket.send(OVERFLOW);
      await socket.until(done, 5_000);
    }
    const input = sent.map(printable).join(' + ');
    if (answered()) count(report, 'probe answered');
    else if (errored() && !socket.isOpen) count(report, 'ERROR, then close');
    else if (errored()) report.findings.push({ protocol: report.protocol, problem: 'ERROR frame but the connection stayed open', input });
    else if (!socket.isOpen) {
      if (sent.some((frame) => String(frame).includes('DISCONNECT'))) count(report, 'closed after DISCONNECT');
      // Known and reported apart: ws closes with 1009 before the door sees such a message.
      else if (sent.some((frame) => Buffer.byteLength(frame) > WEBSOCKET_MESSAGE_LIMIT)) count(report, 'message over the WebSocket limit: closed by ws without ERROR');
      else report.findings.push({ protocol: report.protocol, problem: `closed (${socket.closeCode}) without an ERROR frame`, input });
    } else report.findings.push({ protocol: report.protocol, problem: 'no RECEIPT, no ERROR and no close after the probe and an oversize frame', input });
  }
  return report;
}
