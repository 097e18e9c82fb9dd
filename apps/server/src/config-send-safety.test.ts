import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';

describe('loadConfig: safety on the send path', () => {
  it('defaults to a masking contact guard, no hook and no limits on strangers', () => {
    expect(loadConfig({}).safety).toEqual({ contactGuard: 'mask', hook: null, firstContactLimit: 0, newConversationsPerDay: 0, wordListPollMs: 2000 });
  });

  it('reads every setting', () => {
    const config = loadConfig({
      PARLEY_CONTACT_GUARD: 'block',
      PARLEY_HOOK_URL: 'https://hooks.example.com/parley',
      PARLEY_HOOK_SECRET: 's3cret',
      PARLEY_HOOK_TIMEOUT_MS: '250',
      PARLEY_HOOK_FAIL_OPEN: 'false',
      PARLEY_FIRST_CONTACT_LIMIT: '3',
      PARLEY_NEW_CONVERSATIONS_PER_DAY: '20',
      PARLEY_WORD_LIST_POLL_MS: '1000',
    });
    expect(config.safety).toEqual({
      contactGuard: 'block',
      hook: { url: 'https://hooks.example.com/parley', secret: 's3cret', timeoutMs: 250, failOpen: false },
      firstContactLimit: 3,
      newConversationsPerDay: 20,
      wordListPollMs: 1000,
    });
  });

  it('refuses bad values, naming the variable', () => {
    for (const [name, value] of [
      ['PARLEY_CONTACT_GUARD', 'strict'],
      ['PARLEY_HOOK_URL', 'ftp://example.com'],
      ['PARLEY_FIRST_CONTACT_LIMIT', '-1'],
      ['PARLEY_NEW_CONVERSATIONS_PER_DAY', 'many'],
    ] as const) {
      expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
      expect(() => loadConfig({ [name]: value })).toThrow(name);
    }
    expect(() => loadConfig({ PARLEY_HOOK_URL: 'http://127.0.0.1:9/hook', PARLEY_HOOK_TIMEOUT_MS: '0' })).toThrow('PARLEY_HOOK_TIMEOUT_MS');
  });
});
