/**
 * Precision and recall of the contact detector on a labelled corpus of dating-chat lines.
 * Deterministic: the floors only move up when the detector gets better.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { detectContacts } from './contact-detector.js';

interface CorpusLine {
  readonly hasContact: boolean;
  readonly text: string;
}

const RECALL_FLOOR = 0.98;
const PRECISION_FLOOR = 0.99;

function readCorpus(): CorpusLine[] {
  const raw = readFileSync(new URL('./contact-corpus.txt', import.meta.url), 'utf8');
  return raw
    .split('\n')
    .filter((line) => line.length > 0 && !line.startsWith('#'))
    .map((line) => {
      const [label, ...rest] = line.split('\t');
      if ((label !== 'C' && label !== 'N') || rest.length !== 1) throw new Error(`malformed corpus line: ${line}`);
      return { hasContact: label === 'C', text: rest[0]! };
    });
}

describe('contact detector on the labelled corpus', () => {
  const corpus = readCorpus();

  it('has at least 150 lines of each kind', () => {
    expect(corpus.filter((line) => line.hasContact).length).toBeGreaterThanOrEqual(150);
    expect(corpus.filter((line) => !line.hasContact).length).toBeGreaterThanOrEqual(150);
  });

  it(`keeps recall ≥ ${RECALL_FLOOR} and precision ≥ ${PRECISION_FLOOR}`, () => {
    let truePositives = 0;
    const misses: string[] = [];
    const falseAlarms: string[] = [];
    for (const line of corpus) {
      const flagged = detectContacts(line.text).length > 0;
      if (flagged && line.hasContact) truePositives++;
      else if (flagged) falseAlarms.push(line.text);
      else if (line.hasContact) misses.push(line.text);
    }
    const recall = truePositives / (truePositives + misses.length);
    const precision = truePositives / (truePositives + falseAlarms.length);
    console.info(
      `contact corpus: ${corpus.length} lines, recall ${recall.toFixed(3)} (${misses.length} missed), precision ${precision.toFixed(3)} (${falseAlarms.length} false alarms)`,
      { misses, falseAlarms },
    );
    expect(recall).toBeGreaterThanOrEqual(RECALL_FLOOR);
    expect(precision).toBeGreaterThanOrEqual(PRECISION_FLOOR);
  });
});
