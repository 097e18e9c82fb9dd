import { describe, expect, it } from 'vitest';
import { decideNotification, isNotifiable, MAX_DELIVERY_ATTEMPTS, previewOf, retryDelayMs, truncate, type CollectedNotification } from './notification-rules.js';

const collected = (over: Partial<CollectedNotification> = {}): CollectedNotification => ({
  receiverId: 2,
  senderId: 1,
  senderName: 'Alice',
  remainingCount: 2,
  unreadCount: 2,
  latestUnread: { messageType: 'IMAGE', content: '/media/k' },
  muted: false,
  ...over,
});

describe('when a notification is due', () => {
  it('notifies an offline receiver of anything but an exchange result', () => {
    expect(isNotifiable('TEXT', false)).toBe(true);
    expect(isNotifiable('EXCHANGE_WECHAT_REQUEST', false)).toBe(true);
    expect(isNotifiable('EXCHANGE_WECHAT_RESULT', false)).toBe(false);
    expect(isNotifiable('EXCHANGE_PHOTO_RESULT', false)).toBe(false);
    expect(isNotifiable('TEXT', true)).toBe(false);
  });
});

describe('what a notification shows', () => {
  it('follows the preview mode', () => {
    const latest = { messageType: 'TEXT', content: 'see you at 8' };
    expect(previewOf('sender', 'Alice', latest)).toEqual({ title: 'Alice', body: 'New message' });
    expect(previewOf('full', 'Alice', latest)).toEqual({ title: 'Alice', body: 'see you at 8' });
    expect(previewOf('none', 'Alice', latest)).toEqual({ title: 'New message', body: '' });
    expect(previewOf('full', 'Alice', { messageType: 'VOICE', content: '/media/v' }).body).toBe('[Voice]');
    expect(previewOf('full', 'Alice', { messageType: 'EMOJI', content: 'smile' }).body).toBe('[Sticker]');
  });

  it('cuts long text by characters, never inside an emoji', () => {
    expect(truncate('abcdef', 4)).toBe('abc…');
    expect(truncate('😀😀😀😀😀', 3)).toBe('😀😀…');
    expect(truncate('short', 10)).toBe('short');
  });
});

describe('closing a coalesced notification', () => {
  it('counts the unread messages and previews the latest', () => {
    expect(decideNotification(collected(), 'full')).toEqual({ kind: 'send', count: 2, senderName: 'Alice', preview: { title: 'Alice', body: '[Image]' } });
  });

  it('names a sender without a name by id', () => {
    expect(decideNotification(collected({ senderName: null }), 'sender')).toMatchObject({ senderName: 'User 1', preview: { title: 'User 1' } });
  });

  it('is dropped when all its messages were recalled, the receiver read them or muted the conversation meanwhile', () => {
    expect(decideNotification(collected({ remainingCount: 0, unreadCount: 0, latestUnread: null }), 'sender')).toEqual({ kind: 'drop', reason: 'recalled' });
    expect(decideNotification(collected({ unreadCount: 0, latestUnread: null }), 'sender')).toEqual({ kind: 'drop', reason: 'read' });
    expect(decideNotification(collected({ muted: true }), 'sender')).toEqual({ kind: 'drop', reason: 'muted' });
    expect(decideNotification(collected({ unreadCount: 1 }), 'sender')).toMatchObject({ kind: 'send', count: 1 });
  });
});

describe('retries', () => {
  it('start at about a second and grow exponentially with jitter, never below what the receiver asked', () => {
    expect(retryDelayMs(1, 0.5)).toBe(1000);
    expect(retryDelayMs(1, 0)).toBe(800);
    expect(retryDelayMs(1, 1)).toBe(1200);
    expect(retryDelayMs(2, 0.5)).toBe(2600);
    expect(retryDelayMs(1, 0.5, 30_000)).toBe(30_000);
    expect(retryDelayMs(30, 0.5)).toBe(3_600_000);
  });

  it('spread the attempts over about an hour', () => {
    let total = 0;
    for (let failed = 1; failed < MAX_DELIVERY_ATTEMPTS; failed++) total += retryDelayMs(failed, 0.5);
    expect(total).toBeGreaterThan(45 * 60_000);
    expect(total).toBeLessThan(75 * 60_000);
  });
});
