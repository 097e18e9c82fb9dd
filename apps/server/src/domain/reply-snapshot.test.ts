import type { Message } from '@parley/protocol';
import { describe, expect, it } from 'vitest';
import { cutToChars, replySnapshotOf, splitReply, withReply } from './reply-snapshot.js';

const quoted: Message = {
  id: 11, conversationId: 2, seq: 4, senderId: 9, receiverId: 7, messageType: 'TEXT', content: 'hello', extra: null, status: 'NORMAL',
  isRead: true, clientMsgId: 'c', createdAt: '2026-12-01T10:00:00.000Z', editedAt: null, replyTo: null, reactions: [],
};
const snapshot = { id: 11, seq: 4, senderId: 9, messageType: 'TEXT' as const, preview: 'hello' };

describe('replySnapshotOf', () => {
  it('quotes id, seq, sender and type, and the text cut to 100 characters without splitting an emoji', () => {
    expect(replySnapshotOf(quoted)).toEqual(snapshot);
    const long = `${'好'.repeat(99)}😀😀`;
    expect(replySnapshotOf({ ...quoted, content: long }).preview).toBe(`${'好'.repeat(99)}😀`);
    expect(cutToChars('😀😀😀', 2)).toBe('😀😀');
  });

  it('quotes no URL or exchange data: media and exchange messages have an empty preview', () => {
    expect(replySnapshotOf({ ...quoted, messageType: 'IMAGE', content: '/media/abcdefgh.png' }).preview).toBe('');
    expect(replySnapshotOf({ ...quoted, messageType: 'EXCHANGE_WECHAT_RESULT', content: '' })).toMatchObject({ messageType: 'EXCHANGE_WECHAT_RESULT', preview: '' });
    expect(replySnapshotOf({ ...quoted, messageType: 'EMOJI', content: 'smile' }).preview).toBe('smile');
  });
});

describe('withReply and splitReply', () => {
  it('keep the quote inside the stored extra and give it back apart from what clients see as extra', () => {
    expect(withReply(null, snapshot)).toEqual({ replyTo: snapshot });
    expect(splitReply({ replyTo: snapshot })).toEqual({ replyTo: snapshot, extra: null });
    expect(splitReply(withReply({ masked: ['CONTACT'] }, snapshot))).toEqual({ replyTo: snapshot, extra: { masked: ['CONTACT'] } });
    expect(splitReply({ durationMs: 3 })).toEqual({ replyTo: null, extra: { durationMs: 3 } });
    expect(splitReply(null)).toEqual({ replyTo: null, extra: null });
  });

  it('drop a replyTo a client put into extra itself, so nobody can forge a quote', () => {
    expect(withReply({ replyTo: { id: 1, preview: 'I never said that' } }, null)).toBeNull();
    expect(withReply({ replyTo: 'x', card: 1 }, null)).toEqual({ card: 1 });
    expect(withReply({ replyTo: 'x' }, snapshot)).toEqual({ replyTo: snapshot });
    expect(withReply(null, null)).toBeNull();
  });
});
