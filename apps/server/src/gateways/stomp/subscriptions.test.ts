import { describe, expect, it } from 'vitest';
import { Subscriptions } from './subscriptions.js';

describe('Subscriptions', () => {
  it('lists a destination’s subscriptions in the order they were made, and none for other destinations', () => {
    const subscriptions = new Subscriptions();
    subscriptions.add('a', '/user/queue/messages', 'auto', '1.2');
    subscriptions.add('b', '/user/queue/receipts', 'client', '1.2');
    subscriptions.add('c', '/user/queue/messages', 'client-individual', '1.2');

    expect(subscriptions.size).toBe(3);
    expect(subscriptions.on('/user/queue/messages')?.map((s) => [s.id, s.ack])).toEqual([
      ['a', 'auto'],
      ['c', 'client-individual'],
    ]);
    expect(subscriptions.on('/user/queue/typing')).toBeUndefined();
  });

  it('removes by id, ignores an unknown id, and lets the id be used again', () => {
    const subscriptions = new Subscriptions();
    subscriptions.add('a', '/user/queue/messages', 'auto', '1.2');
    subscriptions.add('b', '/user/queue/messages', 'auto', '1.2');

    subscriptions.remove('a');
    subscriptions.remove('unknown');
    expect(subscriptions.has('a')).toBe(false);
    expect(subscriptions.has('b')).toBe(true);
    expect(subscriptions.on('/user/queue/messages')?.map((s) => s.id)).toEqual(['b']);

    subscriptions.remove('b');
    expect(subscriptions.size).toBe(0);
    expect(subscriptions.on('/user/queue/messages')).toBeUndefined();

    subscriptions.add('a', '/user/queue/errors', 'auto', '1.2');
    expect(subscriptions.on('/user/queue/errors')?.map((s) => s.id)).toEqual(['a']);
  });

  it('escapes the id for MESSAGE headers in the connection’s version', () => {
    const subscriptions = new Subscriptions();
    subscriptions.add('x:1', '/user/queue/messages', 'auto', '1.2');
    subscriptions.add('y:2', '/user/queue/errors', 'auto', '1.0');
    expect(subscriptions.on('/user/queue/messages')?.[0]?.wireId).toBe('x\\c1');
    expect(subscriptions.on('/user/queue/errors')?.[0]?.wireId).toBe('y:2');
  });
});
