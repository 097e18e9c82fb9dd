/**
 * The framing of the SignalR JSON hub protocol (docs/signalr.md): every record is one JSON text
 * followed by the record separator 0x1E; one WebSocket frame may carry several records.
 */
export const RECORD_SEPARATOR = '\u001e';

/** The SignalR door's limit on one incoming record (ASP.NET's default); a larger one ends the connection. */
export const HUB_MAX_RECORD_BYTES = 32 * 1024;

/** The hub protocol's message types this client reads or writes. */
export const HubRecordType = {
  Invocation: 1,
  Completion: 3,
  Ping: 6,
  Close: 7,
} as const;

/** One record as this client reads it; unknown fields are ignored, as the protocol asks. */
export interface HubRecord {
  type?: number;
  target?: string;
  arguments?: unknown[];
  invocationId?: string;
  result?: unknown;
  error?: string;
  allowReconnect?: boolean;
}

export function encodeRecord(record: object): string {
  return JSON.stringify(record) + RECORD_SEPARATOR;
}

/** Splits received text into records; throws on a record that is not JSON. */
export function decodeRecords(text: string): HubRecord[] {
  return text
    .split(RECORD_SEPARATOR)
    .filter((part) => part.length > 0)
    .map((part) => JSON.parse(part) as HubRecord);
}

/** A frame's text: strings as they are, binary frames as UTF-8 (some mini-program runtimes deliver ArrayBuffers). */
export function frameText(data: unknown): string {
  if (typeof data === 'string') return data;
  const bytes = data instanceof ArrayBuffer ? new Uint8Array(data) : ArrayBuffer.isView(data) ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength) : null;
  if (!bytes) return '';
  const Decoder = (globalThis as { TextDecoder?: new () => { decode(input: Uint8Array): string } }).TextDecoder;
  if (Decoder) return new Decoder().decode(bytes);
  // No TextDecoder in some mini-program runtimes: percent-decoding does UTF-8 for us.
  let escaped = '';
  for (const byte of bytes) escaped += `%${byte.toString(16).padStart(2, '0')}`;
  return decodeURIComponent(escaped);
}
