import { describe, expect, it } from 'vitest';
import { OversizeRecordError, RecordSplitter, RS, record } from './hub-records.js';

describe('RecordSplitter', () => {
  it('splits several records and keeps a partial tail', () => {
    const splitter = new RecordSplitter(1024);
    expect(splitter.push(`{"a":1}${RS}{"b":`)).toEqual(['{"a":1}']);
    expect(splitter.pending).toBe(true);
    expect(splitter.push(`2}${RS}`)).toEqual(['{"b":2}']);
    expect(splitter.pending).toBe(false);
  });

  it('refuses a record or a tail over the limit, counting UTF-8 bytes', () => {
    expect(() => new RecordSplitter(10).push(`"${'x'.repeat(20)}"${RS}`)).toThrow(OversizeRecordError);
    expect(() => new RecordSplitter(10).push('x'.repeat(11))).toThrow(OversizeRecordError);
    expect(new RecordSplitter(12).push(`"你好"${RS}`)).toEqual(['"你好"']);
    expect(() => new RecordSplitter(7).push(`"你好"${RS}`)).toThrow(OversizeRecordError);
  });

  it('writes records that end with RS', () => {
    expect(record({ type: 6 })).toBe(`{"type":6}${RS}`);
  });
});
