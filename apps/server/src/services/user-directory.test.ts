import { describe, expect, it } from 'vitest';
import type { ProfilePatch, UserStore } from '../ports/user-store.js';
import { UserDirectory } from './user-directory.js';

/** Records upserts; each stays pending until the test releases it. */
function recordingStore() {
  const upserts: { id: number; patch: ProfilePatch }[] = [];
  const release: (() => void)[] = [];
  const store = {
    upsert: (id: number, patch: ProfilePatch) => {
      upserts.push({ id, patch });
      return new Promise((resolve) => release.push(() => resolve({ id })));
    },
  } as unknown as UserStore;
  return { store, upserts, release };
}

describe('UserDirectory', () => {
  it('writes once for several connections of one user opened at once, and not again afterwards', async () => {
    const { store, upserts, release } = recordingStore();
    const directory = new UserDirectory(store);
    const connecting = [directory.ensure(7, { name: 'Ann' }), directory.ensure(7, { name: 'Ann' }), directory.ensure(7, { name: 'Ann' })];
    expect(upserts).toEqual([{ id: 7, patch: { name: 'Ann' } }]);
    release.forEach((r) => r());
    await Promise.all(connecting);
    await directory.ensure(7, { name: 'Ann' });
    expect(upserts).toHaveLength(1);
  });

  it('writes again when the claims changed, and after forget', async () => {
    const { store, upserts, release } = recordingStore();
    const directory = new UserDirectory(store);
    const settle = async (p: Promise<void>) => {
      release.splice(0).forEach((r) => r());
      await p;
    };
    await settle(directory.ensure(7, { name: 'Ann' }));
    const renamed = directory.ensure(7, { name: 'Anna' });
    await settle(renamed);
    directory.forget(7);
    await settle(directory.ensure(7, { name: 'Anna' }));
    expect(upserts.map((u) => u.patch)).toEqual([{ name: 'Ann' }, { name: 'Anna' }, { name: 'Anna' }]);
  });
});
