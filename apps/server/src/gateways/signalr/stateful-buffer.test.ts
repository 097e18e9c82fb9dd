import { describe, expect, it } from 'vitest';
import { StatefulBuffer } from './stateful-buffer.js';

describe('StatefulBuffer', () => {
  it('keeps outgoing records until acked and replays the rest behind a Sequence', () => {
    const buffer = new StatefulBuffer();
    expect(buffer.resume()).toEqual({ sequenceId: 1, records: [] });
    buffer.sequence(1);
    buffer.keep('a');
    buffer.keep('b');
    buffer.keep('c');
    buffer.ack(1);
    expect(buffer.bufferedBytes).toBe(2);
    expect(buffer.resume()).toEqual({ sequenceId: 2, records: ['b', 'c'] });
    buffer.ack(3);
    expect(buffer.resume()).toEqual({ sequenceId: 4, records: [] });
  });

  it('counts incoming records, acks them, and drops replays of processed ones', () => {
    const buffer = new StatefulBuffer();
    expect([buffer.accept(true), buffer.accept(false), buffer.accept(true), buffer.accept(true)]).toEqual([true, true, true, true]);
    expect(buffer.takeAck()).toBe(3);
    expect(buffer.takeAck()).toBeNull();
    buffer.resume();
    expect(buffer.accept(true)).toBe(false); // before the client's Sequence
    buffer.sequence(2); // client replays 2, 3 (unacked from its view) and then sends 4
    expect([buffer.accept(true), buffer.accept(true), buffer.accept(true)]).toEqual([false, false, true]);
    expect(buffer.takeAck()).toBe(4);
  });
});
