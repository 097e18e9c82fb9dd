import { EventEmitter } from 'node:events';
import type { ServerResponse } from 'node:http';
import { describe, expect, it } from 'vitest';
import { LongPollingTransport } from './long-polling-transport.js';

/** Just enough of a ServerResponse: records what was written, and can be dropped by the "client". */
class FakeResponse extends EventEmitter {
  writableEnded = false;
  destroyed = false;
  status = 0;
  body: string | undefined;
  writeHead(status: number): this {
    this.status = status;
    return this;
  }
  end(body?: string): this {
    this.body = body;
    this.writableEnded = true;
    return this;
  }
}

const transport = () => new LongPollingTransport({ onGone: () => {} } as never, { pollTimeoutMs: 60_000, idleMs: 60_000 });
const asResponse = (r: FakeResponse) => r as unknown as ServerResponse;

describe('LongPollingTransport', () => {
  it('answers a waiting poll with the data sent meanwhile', () => {
    const lp = transport();
    const poll = new FakeResponse();
    lp.poll(asResponse(poll));
    lp.send('a\u001e');
    expect([poll.status, poll.body]).toEqual([200, 'a\u001e']);
    lp.abort();
  });

  it('keeps data for the next poll when the waiting one was dropped before its close event ran', () => {
    const lp = transport();
    const dropped = new FakeResponse();
    lp.poll(asResponse(dropped));
    dropped.destroyed = true;
    lp.send('a\u001e');
    expect(dropped.body).toBeUndefined();
    const next = new FakeResponse();
    lp.poll(asResponse(next));
    expect([next.status, next.body]).toEqual([200, 'a\u001e']);
    lp.abort();
  });
});
