/**
 * The repository explains itself: no comment, test or document may point to a document the
 * repository does not have (a numbered section of an outside specification, an outside design
 * note, a path of some developer's machine). Such a pointer tells a reader nothing; the
 * explanation belongs in the text itself or in docs/.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const CHECKED = /\.(?:ts|mts|mjs|js|vue|md|sql|sh|yml|yaml)$/;
// Built from parts so that this file does not match itself.
const SECTION = '\u00a7';
const OUTSIDE_POINTERS = new RegExp(
  [`\\b(?:contract|protocols|design) ${SECTION}`, '\\bseed[ -]2\\b', '\\.\\./shared/', '/work/(?:main|shared|notes)\\b'].join('|'),
  'i',
);

/** Installed, built and generated folders are not ours to explain; hidden ones hold tooling. */
const SKIPPED = new Set(['node_modules', 'dist', 'coverage', 'data']);

function ourFiles(dir = ''): string[] {
  return readdirSync(root + dir, { withFileTypes: true }).flatMap((entry) => {
    const path = dir + entry.name;
    if (entry.isDirectory()) return entry.name.startsWith('.') || SKIPPED.has(entry.name) ? [] : ourFiles(`${path}/`);
    return entry.isFile() && CHECKED.test(path) ? [path] : [];
  });
}

describe('the repository explains itself', () => {
  it('has no pointer to a document outside the repository', () => {
    const found: string[] = [];
    for (const path of ourFiles()) {
      readFileSync(root + path, 'utf8')
        .split('\n')
        .forEach((line, index) => {
          if (OUTSIDE_POINTERS.test(line)) found.push(`${path}:${index + 1}: ${line.trim()}`);
        });
    }
    expect(found).toEqual([]);
  });
});
