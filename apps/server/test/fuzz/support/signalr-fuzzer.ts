import { ERROR_CODES } from '@parley/protocol';
import fc from 'fast-check';
import { count, newReport, printable, type FuzzReport } from './fuzz-server.js';
import { mutatedBytes, mutatedJson, mutatedText } from './mutations.js';
import { WatchedSocket } from './watched-socket.js';

const RS = '\u001e';
const HANDSHAKE = { protocol: 'json', version: 1 };

/** Valid hub records of a connected user, to mutate; `peer` is the user they talk to. */
function validRecords(peer: number): object[] {
  const invoke = (target: string, args: unknown[], invocationId?: string) => ({ type: 1, ...(invocationId ? { invocationId } : {}), target, arguments: args });
  return [
    invoke('SendMessage', [{ tempId: 't-1', receiverId: peer, messageType: 1, content: 'hello 你好 😀' }], '0'),
    invoke('SendMessage', [{ tempId: 42, receiverId: peer, messageType: 1, content: 'fire and forget', extraData: '{"a":1}' }]),
    invoke('MarkAsRead', [1], '1'),
    invoke('MarkAsRead', [1, 5], '2'),
    invoke('Typing', [peer, true], '3'),
    invoke('ExchangeWeChat', [peer], '4'),
    invoke('ExchangePhoto', [peer], '5'),
    invoke('RespondExchange', [1, true], '6'),
    invoke('RecallMessage', [1], '7'),
    invoke('SendMessage', [{ tempId: 't-2', receiverId: peer, messageType: 1, content: 're', replyToId: 1 }], '11'),
    invoke('EditMessage', [1, 'edited 改过 😀'], '12'),
    invoke('React', [1, '👍'], '13'),
    invoke('React', [1], '14'),
    { ...invoke('Typing', [peer, false], '8'), headers: { trace: 'x' } },
    { type: 4, invocationId: '9', target: 'SendMessage', arguments: [] },
    { type: 1, invocationId: '10', target: 'SendMessage', arguments: [], streamIds: ['s'] },
    { type: 2, invocationId: '9', item: 1 },
    { type: 3, invocationId: '9', result: 1 },
    { type: 5, invocationId: '9' },
    { type: 6 },
    { type: 8, sequenceId: 1 },
    { type: 9, sequenceId: 1 },
  ];
}

/** One mutated hub input: a text message of records, or raw bytes (as a text or a binary message). */
export function hubInput(peer: number): fc.Arbitrary<{ data: string | Buffer; binary: boolean }> {
  const record = fc.constantFrom(...validRecords(peer));
  const asText = (data: string) => ({ data, binary: false });
  return fc.oneof(
    { weight: 4, arbitrary: record.chain((r) => mutatedJson(r)).map((json) => asText(json + RS)) },
    { weight: 2, arbitrary: record.chain((r) => mutatedText(JSON.stringify(r) + RS)).map(asText) },
    { weight: 1, arbitrary: fc.tuple(record.chain((r) => mutatedJson(r)), record).map(([bad, good]) => asText(JSON.stringify(good) + RS + bad + RS + JSON.stringify(good) + RS)) },
    { weight: 1, arbitrary: fc.tuple(record.chain((r) => mutatedBytes(JSON.stringify(r) + RS)), fc.boolean()).map(([data, binary]) => ({ data, binary })) },
    { weight: 1, arbitrary: record.map((r) => asText(JSON.stringify(r) + RS)) },
  );
}

function handshakeInput(): fc.Arbitrary<string> {
  return fc.oneof(mutatedJson(HANDSHAKE).map((json) => json + RS), mutatedText(JSON.stringify(HANDSHAKE) + RS));
}

export interface SignalRFuzzOptions {
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

type HubRecord = Record<string, unknown>;

function parseRecords(data: Buffer, items: HubRecord[]): void {
  for (const part of data.toString('utf8').split(RS)) {
    if (part === '') continue;
    try {
      items.push(JSON.parse(part) as HubRecord);
    } catch {
      items.push({ unparsable: part });
    }
  }
}

const CODED = new RegExp(`^(${ERROR_CODES.join('|')}): `);

/** Does the text a client sent hold a Close record (the client ending the connection itself)? */
function sendsClose(text: string): boolean {
  return text.split(RS).some((part) => {
    try {
      return (JSON.parse(part) as HubRecord | null)?.type === 7;
    } catch {
      return false;
    }
  });
}

/**
 * SignalR JSON hub protocol over raw WebSockets to `/hubs/chat`, after negotiate (or directly, as
 * hand-written clients do): a handshake (now and then a mutated one), mutated records, then a
 * probe call. Each connection must end with the probe's Completion, or with a coded error (a
 * handshake error record, or a Close record with `error`) and then the close. Every Completion
 * error must start with a code, and never INTERNAL.
 */
export async function fuzzSignalR(options: SignalRFuzzOptions): Promise<FuzzReport> {
  const report = newReport('SignalR over WebSocket');
  const inputs = fc.sample(hubInput(options.peer), { numRuns: options.inputs, seed: options.seed });
  const handshakes = fc.sample(handshakeInput(), { numRuns: Math.ceil(options.inputs / options.inputsPerConnection), seed: options.seed + 1 });
  const access = `access_token=${encodeURIComponent(options.token)}`;
  let next = 0;
  while (next < inputs.length) {
    const connection = report.connections++;
    let url = `${options.wsUrl}/hubs/chat?${access}`;
    if (connection % 2 === 0) {
      const negotiated = await fetch(`${options.url}/hubs/chat/negotiate?negotiateVersion=1`, { method: 'POST', headers: { authorization: `Bearer ${options.token}` } });
      const { connectionToken } = (await negotiated.json()) as { connectionToken: string };
      url = `${options.wsUrl}/hubs/chat?id=${connectionToken}&${access}`;
    }
    await using socket = await WatchedSocket.open<HubRecord>(url, parseRecords);
    const sent: (string | Buffer)[] = [];
    const mutateHandshake = connection % 10 === 9;
    const handshake = mutateHandshake ? handshakes[connection % handshakes.length]! : JSON.stringify(HANDSHAKE) + RS;
    socket.send(handshake, false);
    sent.push(handshake);
    if (mutateHandshake) report.inputs++;
    // A handshake error record, or a Close record: either way the server is ending the connection.
    const refused = () => socket.items.some((r) => r.type === 7 || (r.type === undefined && typeof r.error === 'string'));
    await socket.until(() => socket.items.length > 0 || !socket.isOpen, 5_000);
    const accepted = socket.items.length > 0 && Object.keys(socket.items[0]!).length === 0;
    const batchEnd = Math.min(inputs.length, next + options.inputsPerConnection);
    for (; accepted && next < batchEnd && socket.isOpen && (options.pipelined || !refused()); next++) {
      const { data, binary } = inputs[next]!;
      socket.send(data, binary);
      sent.push(data);
      report.inputs++;
      if (!options.pipelined) await new Promise((resolve) => setImmediate(resolve));
    }
    // A refused mutated handshake used none of the batch; the next connection sends it.
    if (accepted || !mutateHandshake) next = batchEnd;
    const id = `probe-${connection}`;
    const answered = () => socket.items.some((r) => r.type === 3 && r.invocationId === id);
    if (accepted) socket.send(`${RS}{"type":1,"invocationId":"${id}","target":"Typing","arguments":[1,false]}${RS}`, false);
    await socket.until(() => answered() || !socket.isOpen, 5_000);
    const input = sent.map(printable).join(' + ');
    const finding = (problem: string) => report.findings.push({ protocol: report.protocol, problem, input });
    for (const r of socket.items) {
      if (r.unparsable !== undefined) finding(`the server sent a record that is not JSON: ${printable(String(r.unparsable))}`);
      if (r.type === 3 && typeof r.error === 'string' && (!CODED.test(r.error) || r.error.startsWith('INTERNAL'))) finding(`a Completion error without a client code: ${r.error}`);
      if (r.type === 7 && typeof r.error === 'string' && (!CODED.test(r.error) || r.error.startsWith('INTERNAL'))) finding(`a Close error without a client code: ${r.error}`);
    }
    if (answered()) count(report, 'probe answered');
    else if (!accepted && refused() && !socket.isOpen) count(report, 'handshake error, then close');
    else if (socket.items.some((r) => r.type === 7 && typeof r.error === 'string') && !socket.isOpen) count(report, 'Close with error, then close');
    else if (!socket.isOpen && sent.some((data) => typeof data === 'string' && sendsClose(data))) count(report, 'closed after the client sent Close');
    else if (!socket.isOpen) finding(`closed (${socket.closeCode}) without a Close record carrying an error`);
    else if (refused()) finding('an error record but the connection stayed open');
    else finding('no Completion for the probe call and no close');
  }
  return report;
}
