import { readFile } from 'node:fs/promises';
import { ERROR_CODES, HTTP_STATUS_BY_CODE, type ErrorCode } from '@parley/protocol';
import { describe, expect, it } from 'vitest';
import { HUB_ERROR_ROUTE } from '../src/gateways/signalr/hub-errors.js';
import { STOMP_ERROR_ROUTE } from '../src/gateways/stomp/stomp-errors.js';

/** What the STOMP and SignalR columns of docs/errors.md must say for each route of the doors' tables. */
const STOMP_WORDING: Record<(typeof STOMP_ERROR_ROUTE)[ErrorCode], string> = { push: '/user/queue/errors', 'error-frame': 'ERROR frame' };
const HUB_WORDING = (code: ErrorCode): string =>
  ({ completion: 'failed completion', close: 'Close', refusal: `answers ${HTTP_STATUS_BY_CODE[code]}` })[HUB_ERROR_ROUTE[code]];

describe('docs/errors.md', () => {
  it('lists exactly the error codes of the protocol, with their HTTP statuses and how STOMP and SignalR deliver them', async () => {
    const doc = await readFile(new URL('../../../docs/errors.md', import.meta.url), 'utf8');
    const rows = [...doc.matchAll(/^\| `([A-Z_]+)` \| (\d{3}) \| (.*) \| (.*) \| (.*) \|$/gm)].map((m) => ({ code: m[1] as ErrorCode, status: Number(m[2]), stomp: m[4]!, signalr: m[5]! }));
    expect(rows.map(({ code }) => code).sort()).toEqual([...ERROR_CODES].sort());
    for (const row of rows) {
      expect(row.status, row.code).toBe(HTTP_STATUS_BY_CODE[row.code]);
      expect(row.stomp, `${row.code} on STOMP`).toContain(STOMP_WORDING[STOMP_ERROR_ROUTE[row.code]]);
      expect(row.signalr, `${row.code} on SignalR`).toContain(HUB_WORDING(row.code));
    }
  });
});
