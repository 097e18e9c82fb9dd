import { computed, ref } from 'vue';
import { detectLocale, LOCALES, type Locale } from '../i18n.js';

/** The console's own words, in the web client's two languages (the same locale codes and detection). */
const en = {
  title: 'Parley admin',
  signInTitle: 'Admin sign-in',
  signInHint: 'Enter the admin token the server was started with (PARLEY_ADMIN_TOKEN).',
  adminToken: 'Admin token',
  signIn: 'Sign in',
  signingIn: 'Checking…',
  signOut: 'Sign out',
  tokenRefused: 'This admin token was refused. Check PARLEY_ADMIN_TOKEN on the server.',
  consoleOff: 'The admin console is turned off on this server (PARLEY_ADMIN_TOKEN is not set).',
  networkError: 'The server could not be reached: {message}',
  errorGeneric: 'Error {code}: {message}',
  language: 'Language',
  navigation: 'Sections',
  sectionLive: 'Live figures',
  sectionUsers: 'Users',
  sectionConversations: 'Conversations',
  connections: 'Connections',
  connectionsByDoor: '{door}: {n}',
  messagesPerSecond: 'Messages per second',
  p99SendLatency: 'p99 send latency',
  errorRate: 'Client errors per second',
  notYet: '—',
  notMeasured: 'not measured by this server',
  liveHint: 'This node, refreshed every {s} s. Rates cover the time since the previous refresh.',
  updatedAt: 'Updated {time}',
  userId: 'User id',
  conversationId: 'Conversation id',
  lookUp: 'Look up',
  invalidId: 'An id is a whole number from 1 to {max}.',
  userNotFound: 'There is no user with id {id}.',
  conversationNotFound: 'There is no conversation with id {id}.',
  name: 'Name',
  avatarUrl: 'Avatar URL',
  wechatId: 'WeChat id (private)',
  photoUrls: 'Photo URLs (private), one per line',
  createdAt: 'Created',
  save: 'Save',
  saved: 'Saved',
  participants: 'Participants',
  noMessages: 'No messages.',
  loadOlder: 'Load older messages',
  recalled: 'recalled',
  seq: '#{seq}',
  user: 'User {id}',
};

export type AdminMessageKey = keyof typeof en;

const zh: Record<AdminMessageKey, string> = {
  title: 'Parley 管理后台',
  signInTitle: '管理员登录',
  signInHint: '请输入服务器启动时设置的管理令牌（PARLEY_ADMIN_TOKEN）。',
  adminToken: '管理令牌',
  signIn: '登录',
  signingIn: '正在验证…',
  signOut: '退出',
  tokenRefused: '管理令牌被拒绝。请检查服务器上的 PARLEY_ADMIN_TOKEN。',
  consoleOff: '此服务器未开启管理后台（未设置 PARLEY_ADMIN_TOKEN）。',
  networkError: '无法连接服务器：{message}',
  errorGeneric: '错误 {code}：{message}',
  language: '语言',
  navigation: '栏目',
  sectionLive: '实时数据',
  sectionUsers: '用户',
  sectionConversations: '会话',
  connections: '连接数',
  connectionsByDoor: '{door}：{n}',
  messagesPerSecond: '每秒消息数',
  p99SendLatency: '发送延迟 p99',
  errorRate: '每秒客户端错误数',
  notYet: '—',
  notMeasured: '此服务器未统计',
  liveHint: '当前节点，每 {s} 秒刷新。速率为自上次刷新以来的平均值。',
  updatedAt: '更新于 {time}',
  userId: '用户 ID',
  conversationId: '会话 ID',
  lookUp: '查询',
  invalidId: 'ID 必须是 1 到 {max} 之间的整数。',
  userNotFound: '不存在 ID 为 {id} 的用户。',
  conversationNotFound: '不存在 ID 为 {id} 的会话。',
  name: '昵称',
  avatarUrl: '头像链接',
  wechatId: '微信号（私密）',
  photoUrls: '照片链接（私密），每行一个',
  createdAt: '创建时间',
  save: '保存',
  saved: '已保存',
  participants: '参与者',
  noMessages: '没有消息。',
  loadOlder: '加载更早的消息',
  recalled: '已撤回',
  seq: '#{seq}',
  user: '用户 {id}',
};

const DICTIONARIES: Record<Locale, Record<AdminMessageKey, string>> = { en, 'zh-CN': zh };
const LOCALE_KEY = 'parley-admin-locale';

function savedLocale(): Locale | null {
  const value = localStorage.getItem(LOCALE_KEY);
  return value && (LOCALES as readonly string[]).includes(value) ? (value as Locale) : null;
}

const locale = ref<Locale>(savedLocale() ?? detectLocale());

/** The console's locale (remembered) and `t`, shared by all its components. */
export function useAdminI18n() {
  const setLocale = (next: Locale) => {
    locale.value = next;
    localStorage.setItem(LOCALE_KEY, next);
    document.documentElement.lang = next;
  };
  const t = (key: AdminMessageKey, params: Record<string, string | number> = {}) =>
    DICTIONARIES[locale.value][key].replace(/\{(\w+)\}/g, (_, name: string) => String(params[name] ?? `{${name}}`));
  return { locale: computed(() => locale.value), setLocale, t, locales: LOCALES };
}
