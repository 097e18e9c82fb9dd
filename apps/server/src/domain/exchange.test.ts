import { describe, expect, it } from 'vitest';
import type { ExchangedData } from '@parley/protocol';
import { exchangeAnswerFor, exchangedDataFor, exchangedDataOf, exchangeKindOfRequest, extraAsSeenBy, resultExtra, type AnsweredExchange } from './exchange.js';

const requesterData: ExchangedData = { userId: 1, wechatId: 'wx-requester' };
const responderData: ExchangedData = { userId: 2, wechatId: 'wx-responder' };
const accepted: AnsweredExchange = { requestId: 50, requesterId: 1, responderId: 2, kind: 'WECHAT', accepted: true, revealed: { requester: requesterData, responder: responderData } };

describe('exchangeKindOfRequest', () => {
  it('knows the two request types and nothing else', () => {
    expect(exchangeKindOfRequest('EXCHANGE_WECHAT_REQUEST')).toBe('WECHAT');
    expect(exchangeKindOfRequest('EXCHANGE_PHOTO_REQUEST')).toBe('PHOTO');
    expect(exchangeKindOfRequest('EXCHANGE_WECHAT_RESULT')).toBeUndefined();
    expect(exchangeKindOfRequest('TEXT')).toBeUndefined();
    expect(exchangeKindOfRequest('constructor')).toBeUndefined();
  });
});

describe('exchangedDataOf', () => {
  it('gives the WeChat id or a copy of the photos, or nothing when the profile lacks them', () => {
    const photoUrls = ['/media/a.png'];
    expect(exchangedDataOf({ id: 3, wechatId: 'wx-3', photoUrls: [] }, 'WECHAT')).toEqual({ userId: 3, wechatId: 'wx-3' });
    expect(exchangedDataOf({ id: 3, wechatId: null, photoUrls }, 'WECHAT')).toBeNull();
    const photos = exchangedDataOf({ id: 3, wechatId: 'wx-3', photoUrls }, 'PHOTO');
    expect(photos).toEqual({ userId: 3, photoUrls });
    expect(photos?.photoUrls).not.toBe(photoUrls);
    expect(exchangedDataOf({ id: 3, wechatId: 'wx-3', photoUrls: [] }, 'PHOTO')).toBeNull();
  });
});

describe('what each side of an exchange is shown', () => {
  it('shows each viewer only the other side’s data', () => {
    expect(exchangedDataFor(1, 1, accepted.revealed)).toEqual(responderData);
    expect(exchangedDataFor(2, 1, accepted.revealed)).toEqual(requesterData);
  });

  it('shows nothing when nothing was revealed', () => {
    expect(exchangedDataFor(1, 1, null)).toBeNull();
    expect(exchangeAnswerFor(2, { ...accepted, accepted: false, revealed: null }).exchangedData).toBeNull();
  });

  it('builds each side’s answer with the peer’s data', () => {
    expect(exchangeAnswerFor(1, accepted)).toEqual({ messageId: 50, requesterId: 1, responderId: 2, kind: 'WECHAT', accepted: true, exchangedData: responderData });
    expect(exchangeAnswerFor(2, accepted).exchangedData).toEqual(requesterData);
  });

  it('stores both sides in the result and shows each reader of the message only the peer’s entry', () => {
    const stored = resultExtra(accepted);
    // The result message is sent by the responder to the requester.
    const message = { senderId: 2, receiverId: 1 };
    expect(extraAsSeenBy(stored, message, 1)).toEqual({ requestId: 50, accepted: true, exchangedData: responderData });
    expect(extraAsSeenBy(stored, message, 2)).toEqual({ requestId: 50, accepted: true, exchangedData: requesterData });
    expect(JSON.stringify(extraAsSeenBy(stored, message, 1))).not.toContain('wx-requester');
  });

  it('stores no revealed data for a rejection, and shows it as null', () => {
    const stored = resultExtra({ ...accepted, accepted: false, revealed: null });
    expect(stored).toEqual({ requestId: 50, accepted: false });
    expect(extraAsSeenBy({ requestId: 50, accepted: true, revealed: null }, { senderId: 2, receiverId: 1 }, 1)).toEqual({ requestId: 50, accepted: true, exchangedData: null });
  });

  it('leaves any other extra as stored', () => {
    const extra = { exchangeStatus: 'PENDING' };
    expect(extraAsSeenBy(extra, { senderId: 1, receiverId: 2 }, 2)).toBe(extra);
    expect(extraAsSeenBy(null, { senderId: 1, receiverId: 2 }, 2)).toBeNull();
  });
});
