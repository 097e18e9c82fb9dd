/**
 * The WeChat channels against a local server speaking WeChat's documented API (the real one is
 * not reachable from tests, and `PARLEY_WECHAT_API_BASE` exists so it need not be): the
 * subscribe-message grant balance, the access-token cache and its refresh, the errcodes that end,
 * retry or zero a delivery, and the Official Account's template message.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { NotificationChannel, NotificationPayload } from '../../src/notifications/channel.js';
import { pushChannels } from '../../src/notifications/push-channels.js';
import { truncateChars } from '../../src/notifications/wechat-template-data.js';
import { PostgresWebPushStore } from '../../src/storage/postgres-web-push-store.js';
import { PostgresWeChatPushStore } from '../../src/storage/postgres-wechat-push-store.js';
import { FakeWeChat } from '../support/fake-wechat.js';
import { startTestServer, type TestServer } from '../support/test-app.js';

const MINI_APP = 'wxminiapp0001';
const OA_APP = 'wxofficial0001';
const TEMPLATE = 'tmplSubscribe_0001';
const OA_TEMPLATE = 'tmplOfficial_0001';
const USER = 7;
const PEER = 8;

/** A clock the test moves by hand, so the token's lifetime is checked without waiting. */
class HandClock {
  private ms = Date.parse('2026-12-06T10:00:00Z');
  now = () => new Date(this.ms);
  advance(ms: number): void {
    this.ms += ms;
  }
}

const notification = (over: Partial<NotificationPayload> = {}): NotificationPayload => ({
  id: 'n-1',
  userId: USER,
  conversationId: 12,
  senderId: PEER,
  senderName: 'Bob',
  count: 1,
  preview: { title: 'Bob', body: 'New message' },
  unreadTotal: 1,
  createdAt: '2026-12-06T10:05:00.000Z',
  ...over,
});

describe('WeChat subscribe messages and Official Account template messages', () => {
  let wechat: FakeWeChat;
  let server: TestServer;
  let token: string;
  let clock: HandClock;
  let subscribe: NotificationChannel;
  let official: NotificationChannel;

  beforeAll(async () => {
    wechat = await FakeWeChat.start();
    server = await startTestServer({
      PARLEY_WECHAT_APPID: MINI_APP,
      PARLEY_WECHAT_SECRET: 'mini-secret',
      PARLEY_WECHAT_TEMPLATE_ID: TEMPLATE,
      PARLEY_WECHAT_OA_APPID: OA_APP,
      PARLEY_WECHAT_OA_SECRET: 'oa-secret',
      PARLEY_WECHAT_OA_TEMPLATE_ID: OA_TEMPLATE,
      PARLEY_WECHAT_API_BASE: wechat.url,
    });
    token = await server.token(USER, 'Ann');
    await server.token(PEER, 'Bob');
  });
  afterAll(async () => {
    await server?.[Symbol.asyncDispose]();
    await wechat?.[Symbol.asyncDispose]();
  });

  /** Fresh channels (so a fresh token cache) over the server's database, as the app builds them. */
  const freshChannels = () => {
    clock = new HandClock();
    const channels = pushChannels(server.app.config.push, {
      wechat: new PostgresWeChatPushStore(server.app.db),
      webPush: new PostgresWebPushStore(server.app.db),
      clock,
    });
    subscribe = channels.find((c) => c.name === 'wechat')!;
    official = channels.find((c) => c.name === 'wechat_oa')!;
    expect(channels.map((c) => c.name)).toEqual(['wechat', 'wechat_oa']);
  };

  const grant = async (count: number) => (await server.api(token, 'POST', '/push/wechat/subscriptions', { templateId: TEMPLATE, count })).body.balance as number;
  const balance = async () => (await server.api(token, 'GET', '/push/wechat/subscriptions')).body.balance as number;
  const zeroBalance = () => new PostgresWeChatPushStore(server.app.db).clearGrants(USER);

  beforeAll(async () => {
    expect((await server.api(token, 'PUT', '/push/wechat/openid', { openId: 'oMiniOpenId_ann' })).status).toBe(204);
    expect((await server.api(token, 'PUT', '/push/wechat/oa-openid', { openId: 'oOfficialOpenId_ann' })).status).toBe(204);
  });
  afterEach(async () => {
    wechat.calls.length = 0;
    wechat.scriptedSends.length = 0;
    wechat.scriptedTokens.length = 0;
    wechat.expiresIn = 7200;
    await zeroBalance();
  });

  describe('subscribe messages', () => {
    it('send the documented body and consume exactly one grant', async () => {
      freshChannels();
      await grant(2);
      expect(await subscribe.deliver(notification())).toEqual({ kind: 'sent' });
      const [send] = wechat.sends();
      expect(send!.query.get('access_token')).toMatch(/^token-wxminiapp0001-/);
      expect(send!.body).toEqual({
        touser: 'oMiniOpenId_ann',
        template_id: TEMPLATE,
        page: 'pages/chat/index?conversationId=12',
        data: { thing1: { value: 'Bob' }, thing2: { value: 'New message' }, time3: { value: '2026-12-06 18:05' } },
        miniprogram_state: 'formal',
      });
      const [tokenCall] = wechat.tokenCalls();
      expect(Object.fromEntries(tokenCall!.query)).toEqual({ grant_type: 'client_credential', appid: MINI_APP, secret: 'mini-secret' });
      expect(await balance()).toBe(1);
    });

    it('cut the sender and preview to 20 characters counted by code point, as WeChat counts them', async () => {
      freshChannels();
      await grant(1);
      const longName = '😀'.repeat(25);
      const longText = '这是一条非常非常长的消息，它一定会超过二十个字符的限制吧';
      await subscribe.deliver(notification({ preview: { title: longName, body: longText } }));
      const data = wechat.sends()[0]!.body.data;
      expect(Array.from(data.thing1.value as string)).toHaveLength(20);
      expect(data.thing1.value).toBe(`${'😀'.repeat(19)}…`);
      expect(data.thing2.value).toBe(`${Array.from(longText).slice(0, 19).join('')}…`);
      expect(truncateChars('  ', 20)).toBe('-');
      expect(truncateChars('exactly twenty chars', 20)).toBe('exactly twenty chars');
    });

    it('send nothing while the balance is zero, and nothing to a user without an openId', async () => {
      freshChannels();
      expect(await subscribe.deliver(notification())).toEqual({ kind: 'skipped', reason: 'no subscribe-message grant left' });
      expect(await subscribe.deliver(notification({ userId: PEER }))).toEqual({ kind: 'skipped', reason: 'no WeChat mini-program openId' });
      expect(wechat.calls).toEqual([]);
    });

    it('spend each grant once even when notifications go out at the same time', async () => {
      freshChannels();
      await grant(2);
      const outcomes = await Promise.all([1, 2, 3, 4].map((i) => subscribe.deliver(notification({ id: `n-${i}` }))));
      expect(outcomes.filter((o) => o.kind === 'sent')).toHaveLength(2);
      expect(outcomes.filter((o) => o.kind === 'skipped')).toHaveLength(2);
      expect(wechat.sends()).toHaveLength(2);
      // Concurrent sends shared one token fetch.
      expect(wechat.tokenCalls()).toHaveLength(1);
      expect(await balance()).toBe(0);
    });

    it('zero the balance on 43101 and fail, then send nothing more', async () => {
      freshChannels();
      await grant(5);
      wechat.scriptedSends.push({ json: { errcode: 43101, errmsg: 'user refuse to accept the msg' } });
      const outcome = await subscribe.deliver(notification());
      expect(outcome.kind).toBe('failed');
      expect(await balance()).toBe(0);
      expect((await subscribe.deliver(notification({ id: 'n-2' }))).kind).toBe('skipped');
      expect(wechat.sends()).toHaveLength(1);
    });

    it('keep one token until 5 minutes before it expires, then fetch a new one', async () => {
      freshChannels();
      await grant(3);
      await subscribe.deliver(notification());
      clock.advance((7200 - 300) * 1000 - 1);
      await subscribe.deliver(notification({ id: 'n-2' }));
      expect(wechat.tokenCalls()).toHaveLength(1);
      clock.advance(1);
      await subscribe.deliver(notification({ id: 'n-3' }));
      expect(wechat.tokenCalls()).toHaveLength(2);
      const used = wechat.sends().map((s) => s.query.get('access_token'));
      expect(used[0]).toBe(used[1]);
      expect(used[2]).not.toBe(used[1]);
    });

    it('refresh the token once and send again on 42001 (expired) and on 40001 (invalid)', async () => {
      freshChannels();
      await grant(2);
      await subscribe.deliver(notification());
      wechat.expireTokens();
      expect(await subscribe.deliver(notification({ id: 'n-2' }))).toEqual({ kind: 'sent' });
      expect(wechat.tokenCalls()).toHaveLength(2);
      expect(wechat.sends()).toHaveLength(3);

      await grant(1);
      wechat.scriptedSends.push({ json: { errcode: 40001, errmsg: 'invalid credential' } });
      expect(await subscribe.deliver(notification({ id: 'n-3' }))).toEqual({ kind: 'sent' });
      expect(wechat.tokenCalls()).toHaveLength(3);
      expect(wechat.sends()).toHaveLength(5);
      expect(await balance()).toBe(0);
    });

    it('retry on 45009 and -1, fail on other errcodes, and give the grant back each time', async () => {
      freshChannels();
      await grant(1);
      for (const errcode of [45009, -1]) {
        wechat.scriptedSends.push({ json: { errcode, errmsg: 'busy' } });
        expect((await subscribe.deliver(notification())).kind).toBe('retry');
        expect(await balance()).toBe(1);
      }
      wechat.scriptedSends.push({ json: { errcode: 47003, errmsg: 'argument invalid! data.thing1.value' } });
      const failed = await subscribe.deliver(notification());
      expect(failed).toMatchObject({ kind: 'failed', error: expect.stringContaining('47003') });
      expect(await balance()).toBe(1);
    });

    it('retry when WeChat answers HTTP 5xx or its token API is busy; fail when the token API refuses the credentials', async () => {
      freshChannels();
      await grant(1);
      wechat.scriptedTokens.push({ status: 502, json: {} });
      expect((await subscribe.deliver(notification())).kind).toBe('retry');
      wechat.scriptedTokens.push({ json: { errcode: -1, errmsg: 'system error' } });
      expect((await subscribe.deliver(notification())).kind).toBe('retry');
      wechat.scriptedTokens.push({ json: { errcode: 40125, errmsg: 'invalid appsecret' } });
      expect(await subscribe.deliver(notification())).toMatchObject({ kind: 'failed', error: expect.stringContaining('40125') });
      expect(wechat.sends()).toEqual([]);
      expect(await balance()).toBe(1);
    });
  });

  describe('Official Account template messages', () => {
    it('send the template with a jump into the mini-program, on their own token, without grants', async () => {
      freshChannels();
      expect(await official.deliver(notification({ preview: { title: 'Bob', body: '今晚一起吃饭吗' } }))).toEqual({ kind: 'sent' });
      const [send] = wechat.sends('/cgi-bin/message/template/send');
      expect(send!.query.get('access_token')).toMatch(/^token-wxofficial0001-/);
      expect(send!.body).toEqual({
        touser: 'oOfficialOpenId_ann',
        template_id: OA_TEMPLATE,
        miniprogram: { appid: MINI_APP, pagepath: 'pages/chat/index?conversationId=12' },
        data: { thing1: { value: 'Bob' }, thing2: { value: '今晚一起吃饭吗' }, time3: { value: '2026-12-06 18:05' } },
      });
      expect(wechat.tokenCalls(OA_APP)).toHaveLength(1);
      expect(wechat.tokenCalls(MINI_APP)).toHaveLength(0);
      expect(await balance()).toBe(0);
    });

    it('end on 43004 (the user does not follow the account)', async () => {
      freshChannels();
      wechat.scriptedSends.push({ json: { errcode: 43004, errmsg: 'require subscribe' } });
      expect(await official.deliver(notification())).toMatchObject({ kind: 'failed', error: expect.stringContaining('43004') });
      expect(wechat.sends('/cgi-bin/message/template/send')).toHaveLength(1);
    });

    it('refresh its token once on 42001, retry on 45009 and -1, and skip a user without an Official Account openId', async () => {
      freshChannels();
      await official.deliver(notification());
      wechat.expireTokens();
      expect(await official.deliver(notification())).toEqual({ kind: 'sent' });
      expect(wechat.tokenCalls(OA_APP)).toHaveLength(2);
      for (const errcode of [45009, -1]) {
        wechat.scriptedSends.push({ json: { errcode, errmsg: 'busy' } });
        expect((await official.deliver(notification())).kind).toBe('retry');
      }
      expect(await official.deliver(notification({ userId: PEER }))).toEqual({ kind: 'skipped', reason: 'no WeChat Official Account openId' });
    });
  });
});
