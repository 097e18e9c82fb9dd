import { mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it } from 'vitest';
import { installChatClient } from '../src/chat-client.js';
import MessageBubble from '../src/components/MessageBubble.vue';
import { useSessionStore } from '../src/stores/session.js';
import { asChatClient, FakeChatClient, message } from './fake-chat-client.js';

const ME = 7;

beforeEach(async () => {
  // The open chat and drafts are remembered per tab and browser; each test starts as a fresh one.
  sessionStorage.clear();
  localStorage.clear();
  const pinia = createPinia();
  setActivePinia(pinia);
  const fake = new FakeChatClient(ME);
  installChatClient(asChatClient(fake));
  await useSessionStore().start(asChatClient(fake), { userId: ME, name: 'Me' });
});

function bubble(props: Record<string, unknown>) {
  return mount(MessageBubble, { props: { peerId: 9, read: false, ...props } as never });
}

describe('MessageBubble', () => {
  it('renders markup in a text message as text', () => {
    const evil = '<img src=x onerror=alert(1)><script>alert(2)</script>';
    const w = bubble({ entry: { kind: 'message', key: 'm1', message: message({ id: 1, seq: 1, senderId: 9, receiverId: ME, content: evil }) } });
    expect(w.find('.text').text()).toBe(evil);
    expect(w.find('img').exists()).toBe(false);
    expect(w.find('script').exists()).toBe(false);
  });

  it('shows sending, sent and read ticks on my messages only', () => {
    const mine = message({ id: 2, seq: 2, senderId: ME, receiverId: 9 });
    expect(bubble({ entry: { kind: 'message', key: 'm2', message: mine } }).find('[data-tick]').attributes('data-tick')).toBe('sent');
    expect(bubble({ entry: { kind: 'message', key: 'm2', message: mine }, read: true }).find('[data-tick]').attributes('data-tick')).toBe('read');
    const theirs = message({ id: 3, seq: 3, senderId: 9, receiverId: ME });
    expect(bubble({ entry: { kind: 'message', key: 'm3', message: theirs } }).find('[data-tick]').exists()).toBe(false);
    const pending = { clientMsgId: 'c-1', body: { receiverId: 9, messageType: 'TEXT', content: 'x', clientMsgId: 'c-1' }, createdAt: Date.now(), attempts: 1, state: 'failed', notBefore: 0, error: { code: 'BLOCKED', message: 'no' }, message: null };
    const failed = bubble({ entry: { kind: 'pending', key: 'cc-1', item: pending } });
    expect(failed.find('[data-tick]').attributes('data-tick')).toBe('failed');
    expect(failed.text()).toContain('Retry');
  });

  it('offers accept and decline to the receiver of a pending exchange request', () => {
    const request = message({ id: 4, seq: 4, senderId: 9, receiverId: ME, messageType: 'EXCHANGE_WECHAT_REQUEST', content: '', extra: { exchangeStatus: 'PENDING' } });
    const w = bubble({ entry: { kind: 'message', key: 'm4', message: request } });
    expect(w.findAll('button').map((b) => b.text())).toEqual(expect.arrayContaining(['Accept', 'Decline']));
    const result = message({ id: 5, seq: 5, senderId: ME, receiverId: 9, messageType: 'EXCHANGE_WECHAT_RESULT', content: '', extra: { requestId: 4, accepted: true, exchangedData: { userId: 9, wechatId: 'bob_wx' } } });
    expect(bubble({ entry: { kind: 'message', key: 'm5', message: result } }).find('[data-testid="revealed-wechat"]').text()).toContain('bob_wx');
  });

  it('shows a recalled placeholder instead of the content', () => {
    const recalled = message({ id: 6, seq: 6, senderId: 9, receiverId: ME, status: 'RECALLED', content: '' });
    expect(bubble({ entry: { kind: 'message', key: 'm6', message: recalled } }).find('.recalled-text').exists()).toBe(true);
  });
});
