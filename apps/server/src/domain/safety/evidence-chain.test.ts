import { describe, expect, it } from 'vitest';
import { buildChain, chainHead, GENESIS_HASH, verifyChain, type ChainedEntry } from './evidence-chain.js';

const messages = [
  { id: 101, senderId: 7, receiverId: 9, messageType: 'TEXT', content: '你好', createdAt: '2026-11-30T08:00:00.000Z', recalled: false },
  { id: 102, senderId: 9, receiverId: 7, messageType: 'TEXT', content: '转账给我 5000', createdAt: '2026-11-30T08:01:00.000Z', recalled: true },
  { id: 103, senderId: 9, receiverId: 7, messageType: 'IMAGE', content: '/media/abcdefgh.jpg', createdAt: '2026-11-30T08:02:00.000Z', extra: null, recalled: false },
];

describe('evidence chain', () => {
  const chain = buildChain(messages);

  it('links every entry to the one before it, starting from 64 zeros', () => {
    expect(chain[0]!.prevHash).toBe(GENESIS_HASH);
    expect(chain[1]!.prevHash).toBe(chain[0]!.hash);
    expect(chain[2]!.prevHash).toBe(chain[1]!.hash);
    for (const entry of chain) expect(entry.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(chainHead(chain)).toBe(chain[2]!.hash);
  });

  it('verifies an untouched chain, also after a JSON round trip that reorders keys', () => {
    expect(verifyChain(chain, chainHead(chain))).toEqual({ intact: true, firstBrokenIndex: null });
    const reordered = JSON.parse(JSON.stringify(chain.map((entry) => Object.fromEntries(Object.entries(entry).reverse())))) as ChainedEntry[];
    expect(verifyChain(reordered, chainHead(chain))).toEqual({ intact: true, firstBrokenIndex: null });
  });

  it('verifies an empty chain against the genesis head', () => {
    expect(verifyChain([], chainHead([]))).toEqual({ intact: true, firstBrokenIndex: null });
  });

  it.each(['id', 'senderId', 'receiverId', 'messageType', 'content', 'createdAt', 'recalled'] as const)('breaks when %s of an entry changes', (field) => {
    const tampered = chain.map((entry) => ({ ...entry }));
    const original = tampered[1]![field];
    (tampered[1] as Record<string, unknown>)[field] = typeof original === 'number' ? original + 1 : typeof original === 'boolean' ? !original : `${String(original)}!`;
    expect(verifyChain(tampered)).toEqual({ intact: false, firstBrokenIndex: 1 });
  });

  it('breaks when a member is added to or removed from an entry', () => {
    expect(verifyChain([chain[0]!, { ...chain[1]!, note: 'x' }, chain[2]!])).toEqual({ intact: false, firstBrokenIndex: 1 });
    const { extra: _extra, ...withoutExtra } = chain[2]!;
    expect(verifyChain([chain[0]!, chain[1]!, withoutExtra as ChainedEntry])).toEqual({ intact: false, firstBrokenIndex: 2 });
  });

  it('breaks when a stored hash is rewritten to match a changed entry', () => {
    const rehashed = buildChain([messages[0]!, { ...messages[1]!, content: '你好呀' }]);
    expect(verifyChain([chain[0]!, rehashed[1]!, chain[2]!])).toEqual({ intact: false, firstBrokenIndex: 2 });
  });

  it('breaks when entries are reordered', () => {
    expect(verifyChain([chain[1]!, chain[0]!, chain[2]!])).toEqual({ intact: false, firstBrokenIndex: 0 });
    expect(verifyChain([chain[0]!, chain[2]!, chain[1]!])).toEqual({ intact: false, firstBrokenIndex: 1 });
  });

  it('breaks when an entry is deleted, and a cut-off tail is caught by the kept head', () => {
    expect(verifyChain([chain[0]!, chain[2]!])).toEqual({ intact: false, firstBrokenIndex: 1 });
    expect(verifyChain([chain[1]!, chain[2]!])).toEqual({ intact: false, firstBrokenIndex: 0 });
    expect(verifyChain(chain.slice(0, 2), chainHead(chain))).toEqual({ intact: false, firstBrokenIndex: 2 });
  });

  it('refuses entries that already carry link members', () => {
    expect(() => buildChain([{ id: 1, hash: 'x' }])).toThrow(TypeError);
  });
});

describe('evidence chain: the worked example of docs/safety.md', () => {
  it('has the documented hashes, so the definition cannot drift from the documentation', () => {
    const chain = buildChain([
      { messageId: 101, senderId: 7, messageType: 'TEXT', content: '你好', createdAt: '2026-11-30T08:00:00.000Z' },
      { messageId: 102, senderId: 9, messageType: 'TEXT', content: 'send me 500 "now"', createdAt: '2026-11-30T08:01:00.000Z', extra: null },
    ]);
    expect(chain.map((entry) => entry.hash)).toEqual([
      '021cf7eb46ada0f9b81caa7c770e6bbfb9ccc4514ce7aeb90a6e4e9a4d585828',
      'd206845c442ebd192f338c3b575b25bd22184e0e943630f3f2c5227e635b79d8',
    ]);
  });
});
