import type { Logger } from 'pino';
import type { Config } from './config.js';
import { HttpSendHook } from './hooks/http-send-hook.js';
import type { Clock } from './ports/clock.js';
import type { StrangerLimits } from './ports/message-store.js';
import type { SendHook } from './ports/send-hook.js';
import { ContentScreening } from './services/content-screening.js';
import { ModerationWords } from './services/moderation-words.js';
import { PostgresSafetyStore } from './storage/postgres-safety-store.js';
import type { SqlClient } from './storage/sql-client.js';

export interface SendSafety {
  /** The moderation word lists, loaded and polled for changes. */
  words: ModerationWords;
  /** The contact guard and word filter (sends and edits). */
  screening: ContentScreening;
  /** The before-send hook, or null when PARLEY_HOOK_URL is unset. */
  hook: { hook: SendHook; failOpen: boolean } | null;
  onHookUnanswered: (problem: string, failedOpen: boolean) => void;
  /** The limits the store counts while storing. */
  strangerLimits: StrangerLimits;
}

/** Safety on the send path, wired from the settings: the contact guard, the word lists, the hook and the limits on strangers. */
export async function buildSendSafety(deps: { config: Readonly<Config>; db: SqlClient; clock: Clock; logger: Logger }): Promise<SendSafety> {
  const { safety } = deps.config;
  const log = deps.logger.child({ name: 'send-safety' });
  const store = new PostgresSafetyStore(deps.db);
  const words = new ModerationWords(store, (error) => log.error({ err: error }, 'reloading the moderation word lists failed'));
  await words.start(safety.wordListPollMs);
  return {
    words,
    screening: new ContentScreening({ contactGuard: safety.contactGuard, words, store }),
    hook: safety.hook
      ? { hook: new HttpSendHook({ url: safety.hook.url, secret: safety.hook.secret, timeoutMs: safety.hook.timeoutMs, clock: deps.clock }), failOpen: safety.hook.failOpen }
      : null,
    onHookUnanswered: (problem, failedOpen) =>
      log.warn({ event: 'hook.unanswered', problem, failedOpen }, `before-send hook: ${problem}; ${failedOpen ? 'message stored anyway (fail-open)' : 'send refused (fail-closed)'}`),
    strangerLimits: { firstContactLimit: safety.firstContactLimit, newConversationsPerDay: safety.newConversationsPerDay },
  };
}
