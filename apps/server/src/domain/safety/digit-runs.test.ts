import { describe, expect, it } from 'vitest';
import { digitString, findDigitRuns } from './digit-runs.js';

const summary = (text: string) =>
  findDigitRuns(text).map((run) => ({ digits: digitString(run), groups: run.groups.map((group) => group.length) }));

describe('findDigitRuns', () => {
  it('joins digits split by spaces, punctuation and emoji into one run of groups', () => {
    expect(summary('138 0013-8000')).toEqual([{ digits: '13800138000', groups: [3, 4, 4] }]);
    expect(summary('1😀3')).toEqual([{ digits: '13', groups: [1, 1] }]);
  });

  it('reads Chinese numerals as digits and starts a new group where the writer switches scripts', () => {
    expect(summary('幺三8')).toEqual([{ digits: '138', groups: [2, 1] }]);
  });

  it('ends a run at a letter, a colon or a long gap', () => {
    expect(summary('175体重60')).toEqual([
      { digits: '175', groups: [3] },
      { digits: '60', groups: [2] },
    ]);
    expect(summary('18:30')).toEqual([
      { digits: '18', groups: [2] },
      { digits: '30', groups: [2] },
    ]);
    expect(summary('12 . . . 34')).toEqual([
      { digits: '12', groups: [2] },
      { digits: '34', groups: [2] },
    ]);
  });

  it('keeps what separated two groups', () => {
    const [run] = findDigitRuns('13,800');
    expect(run!.groups[1]!.separatorBefore).toBe(',');
  });
});
