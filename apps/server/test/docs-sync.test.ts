import { readFile } from 'node:fs/promises';
import { ERROR_CODES, HTTP_STATUS_BY_CODE } from '@parley/protocol';
import { describe, expect, it } from 'vitest';

describe('docs/errors.md', () => {
  it('lists exactly the error codes of the protocol, with their HTTP statuses', async () => {
    const doc = await readFile(new URL('../../../docs/errors.md', import.meta.url), 'utf8');
    const rows = [...doc.matchAll(/^\| `([A-Z_]+)` \| (\d{3}) \|/gm)].map((m) => [m[1], Number(m[2])]);
    expect(rows.map(([code]) => code).sort()).toEqual([...ERROR_CODES].sort());
    for (const [code, status] of rows) expect(status).toBe(HTTP_STATUS_BY_CODE[code as keyof typeof HTTP_STATUS_BY_CODE]);
  });
});
