/**
 * The before-send hook over HTTP: one signed POST per message, answered with an action. Many
 * reviews run at once (each send awaits its own); nothing here queues or serialises them.
 */
import type { Clock } from '../ports/clock.js';
import type { HookDecision, HookMessage, SendHook } from '../ports/send-hook.js';
import { signatureHeaders } from '../http-signing/hmac-signature.js';

export interface HttpSendHookOptions {
  url: string;
  secret: string;
  timeoutMs: number;
  clock: Clock;
}

/** Longest hook answer read; a decision is a few dozen bytes, a replacement at most a message. */
const MAX_ANSWER_CHARS = 64 * 1024;

export class HttpSendHook implements SendHook {
  constructor(private readonly options: HttpSendHookOptions) {}

  async review(message: HookMessage): Promise<HookDecision> {
    const body = JSON.stringify({ event: 'message.before_send', message });
    let answer: Response;
    let text: string;
    try {
      answer = await fetch(this.options.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...signatureHeaders(this.options.secret, body, this.options.clock.now().getTime()) },
        body,
        signal: AbortSignal.timeout(this.options.timeoutMs),
        redirect: 'error',
      });
      text = await answer.text();
    } catch (error) {
      const name = (error as { name?: string }).name;
      return { action: 'unreachable', problem: name === 'TimeoutError' ? `no answer within ${this.options.timeoutMs} ms` : `request failed: ${String((error as Error).message ?? error)}` };
    }
    if (answer.status !== 200) return { action: 'unreachable', problem: `answered HTTP ${answer.status}` };
    if (text.length > MAX_ANSWER_CHARS) return { action: 'unreachable', problem: 'answer too large' };
    return decisionOf(text);
  }
}

function decisionOf(text: string): HookDecision {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { action: 'unreachable', problem: 'answer is not JSON' };
  }
  const answer = (parsed ?? {}) as { action?: unknown; reason?: unknown; content?: unknown };
  switch (answer.action) {
    case 'allow':
      return { action: 'allow' };
    case 'reject':
      return { action: 'reject', reason: typeof answer.reason === 'string' ? answer.reason : '' };
    case 'replace':
      return typeof answer.content === 'string' ? { action: 'replace', content: answer.content } : { action: 'unreachable', problem: 'replace without a content string' };
    default:
      return { action: 'unreachable', problem: `unknown action ${JSON.stringify(answer.action)}` };
  }
}
