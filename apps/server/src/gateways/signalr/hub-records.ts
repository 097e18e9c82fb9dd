/** The JSON hub protocol's record separator (0x1E); every record ends with it. */
export const RS = '\u001e';

/** One outgoing record: the JSON text followed by RS. */
export function record(message: object): string {
  return JSON.stringify(message) + RS;
}

export class OversizeRecordError extends Error {
  constructor(readonly limitBytes: number) {
    super(`a hub message is larger than ${limitBytes} bytes`);
  }
}

/**
 * Splits incoming text (WebSocket messages, POST bodies) into records, keeping a partial tail
 * for the next chunk. A record, or an unfinished tail, above the limit throws OversizeRecordError.
 */
export class RecordSplitter {
  private tail = '';

  constructor(private readonly maxRecordBytes: number) {}

  push(chunk: string): string[] {
    const parts = (this.tail + chunk).split(RS);
    this.tail = parts.pop()!;
    if (Buffer.byteLength(this.tail) > this.maxRecordBytes) throw new OversizeRecordError(this.maxRecordBytes);
    for (const part of parts) {
      // Cheap bound first: a UTF-8 string is at most 3 bytes per UTF-16 unit.
      if (part.length * 3 > this.maxRecordBytes && Buffer.byteLength(part) > this.maxRecordBytes) throw new OversizeRecordError(this.maxRecordBytes);
    }
    return parts;
  }

  /** True while an unfinished record is buffered. */
  get pending(): boolean {
    return this.tail.length > 0;
  }
}
