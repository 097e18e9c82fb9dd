import { describe, expect, it } from 'vitest';
import type { ClientSession } from '../ports/client-session.js';
import { SessionRegistry } from './session-registry.js';

const session = (id: string, userId: number): ClientSession => ({ id, userId, door: 'stomp', transportName: null, push: () => {}, close: () => {} });

describe('SessionRegistry.removeAll', () => {
  it('removes what is left and waits for every lifecycle callback, including ones a door started', async () => {
    const registry = new SessionRegistry();
    const finished: number[] = [];
    const release = new Map<number, () => void>();
    registry.onLifecycle({
      firstSessionOpened: async () => {},
      lastSessionClosed: (userId) =>
        new Promise<void>((resolve) => release.set(userId, () => resolve(void finished.push(userId)))),
    });
    const [a, b, c] = [session('a', 1), session('b', 2), session('c', 2)];
    for (const s of [a, b, c]) await registry.add(s);
    // A door already removed user 1's only session; its bookkeeping is still running.
    void registry.remove(a);

    let settled = false;
    const all = registry.removeAll().then(() => (settled = true));
    await new Promise((resolve) => setImmediate(resolve));
    expect(registry.size).toBe(0);
    expect(settled).toBe(false);
    release.get(2)!();
    await new Promise((resolve) => setImmediate(resolve));
    expect(settled).toBe(false);
    release.get(1)!();
    await all;
    expect(finished.sort()).toEqual([1, 2]);
  });
});
