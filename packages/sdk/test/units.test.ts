import { describe, expect, it } from 'vitest';
import { Backoff, BoundedIdSet, ParleyError, TypingThrottle, TypedEmitter } from '../src/index.js';

describe('Backoff', () => {
  it('grows exponentially up to the cap, jitter shortening each delay by at most its share', () => {
    const noJitter = new Backoff({ initialDelayMs: 100, maxDelayMs: 1000, factor: 2, jitter: 0.5 }, () => 0);
    expect([1, 2, 3, 4, 5, 6].map(() => noJitter.next())).toEqual([100, 200, 400, 800, 1000, 1000]);
    const fullJitter = new Backoff({ initialDelayMs: 100, maxDelayMs: 1000, jitter: 0.5 }, () => 0.999_999);
    expect(fullJitter.next()).toBe(50);
    noJitter.reset();
    expect(noJitter.attempts).toBe(0);
    expect(noJitter.next()).toBe(100);
  });
});

describe('BoundedIdSet', () => {
  it('reports duplicates and forgets the oldest past capacity', () => {
    const set = new BoundedIdSet(2);
    expect(set.add(1)).toBe(true);
    expect(set.add(1)).toBe(false);
    set.add(2);
    set.add(3);
    expect(set.has(1)).toBe(false);
    expect(set.has(3)).toBe(true);
  });
});

describe('TypingThrottle', () => {
  it('sends true at most once per interval per peer and false only after a true', () => {
    let now = 0;
    const t = new TypingThrottle(3000, () => now);
    expect(t.shouldSend(9, false)).toBe(false);
    expect(t.shouldSend(9, true)).toBe(true);
    now = 1000;
    expect(t.shouldSend(9, true)).toBe(false);
    expect(t.shouldSend(8, true)).toBe(true);
    now = 3000;
    expect(t.shouldSend(9, true)).toBe(true);
    expect(t.shouldSend(9, false)).toBe(true);
    expect(t.shouldSend(9, false)).toBe(false);
  });
});

describe('ParleyError', () => {
  it('reads REST error bodies and STOMP error pushes', () => {
    const rest = ParleyError.fromBody({ error: { code: 'RATE_LIMITED', message: 'slow down', retryAfterMs: 120 } }, 429);
    expect(rest.code).toBe('RATE_LIMITED');
    expect(rest.details).toMatchObject({ status: 429, retryAfterMs: 120 });
    expect(rest.transient).toBe(true);
    const push = ParleyError.fromBody({ code: 'BLOCKED', message: 'no', clientMsgId: 42, destination: '/app/chat.send' });
    expect(push).toMatchObject({ code: 'BLOCKED', transient: false });
    expect(push.details.clientMsgId).toBe('42');
    expect(ParleyError.fromBody('<html>', 502).code).toBe('INTERNAL');
  });
});

describe('TypedEmitter', () => {
  it('isolates a throwing listener from the others', () => {
    const errors: unknown[] = [];
    const e = new TypedEmitter<{ x: [number] }>((err) => errors.push(err));
    const seen: number[] = [];
    e.on('x', () => {
      throw new Error('boom');
    });
    e.once('x', (n) => seen.push(n));
    e.emit('x', 1);
    e.emit('x', 2);
    expect(seen).toEqual([1]);
    expect(errors).toHaveLength(2);
  });
});
