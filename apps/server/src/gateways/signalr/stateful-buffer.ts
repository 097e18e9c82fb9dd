/**
 * Bookkeeping of stateful reconnect for one connection, both directions.
 *
 * Outgoing: records of types 1–5 are numbered 1, 2, … and kept until the client Acks them;
 * after a resume they are replayed behind a Sequence message.
 * Incoming: types 1–5 are counted; after a resume the client's Sequence resets the count and
 * records the server already processed are dropped, so nothing runs twice.
 */
export class StatefulBuffer {
  private unacked: { id: number; text: string }[] = [];
  private lastOutgoingId = 0;
  private unackedBytes = 0;

  private nextIncomingId = 1;
  private lastProcessedId = 0;
  private lastAckedId = 0;
  private waitingForSequence = false;

  /** Numbers and keeps one outgoing record. */
  keep(text: string): void {
    this.lastOutgoingId++;
    this.unacked.push({ id: this.lastOutgoingId, text });
    this.unackedBytes += text.length;
  }

  /** Drops the records the client acknowledged (`sequenceId` and below). */
  ack(sequenceId: number): void {
    let drop = 0;
    while (drop < this.unacked.length && this.unacked[drop]!.id <= sequenceId) {
      this.unackedBytes -= this.unacked[drop]!.text.length;
      drop++;
    }
    if (drop > 0) this.unacked = this.unacked.slice(drop);
  }

  /** UTF-16 units kept for replay (an approximation of bytes, good enough for a limit). */
  get bufferedBytes(): number {
    return this.unackedBytes;
  }

  /** What to send on a resumed transport: the Sequence id, then these records in order. */
  resume(): { sequenceId: number; records: string[] } {
    this.waitingForSequence = true;
    // The last Ack may have been lost with the old socket: send one again after the resume.
    this.lastAckedId = 0;
    return { sequenceId: this.unacked[0]?.id ?? this.lastOutgoingId + 1, records: this.unacked.map((r) => r.text) };
  }

  /** The client's Sequence message: its next record carries `sequenceId`. */
  sequence(sequenceId: number): void {
    this.waitingForSequence = false;
    this.nextIncomingId = sequenceId;
  }

  /**
   * Whether to process an incoming record. After a resume no record of types 1–5 counts until
   * the client's Sequence arrives; those at or below the last processed id are duplicates.
   */
  accept(sequenced: boolean): boolean {
    // Acks and pings are safe at any time; calls wait for the client's Sequence.
    if (!sequenced) return true;
    if (this.waitingForSequence) return false;
    const id = this.nextIncomingId++;
    if (id <= this.lastProcessedId) return false;
    this.lastProcessedId = id;
    return true;
  }

  /** The Ack to send, when records arrived since the last one. */
  takeAck(): number | null {
    if (this.lastProcessedId === this.lastAckedId) return null;
    this.lastAckedId = this.lastProcessedId;
    return this.lastProcessedId;
  }
}
