import type { CommandName, CommandPayload, CommandResult, Message, WithUserSeq } from '@parley/protocol';
import type { DoorLabel, Metrics } from '../../metrics.js';
import type { SendCommand } from '../../services/messaging-service.js';
import type { Services } from '../../services/services.js';

/** Who runs a command: the authenticated user, the door it came in by and, on a realtime door, its connection. */
export interface CommandCaller {
  readonly userId: number;
  readonly door: DoorLabel;
  /** The connection the command came on: the origin of the pushes it causes (SignalR tells it `MessageSent`). */
  readonly connectionId?: string;
}

/** What a handler takes: the command's payload; a send may lack a clientMsgId (SignalR's `tempId` is optional). */
export type CommandInput<N extends CommandName> = N extends 'send' ? SendCommand : CommandPayload<N>;

export interface CommandOutcome<N extends CommandName> {
  result: CommandResult<N>;
  /** Nothing changed: a repeated clientMsgId, or an exchange request of that kind already pending. Realtime doors echo it to the caller. */
  repeated: boolean;
}

export type CommandHandler<N extends CommandName> = (caller: CommandCaller, input: CommandInput<N>) => Promise<CommandOutcome<N>>;

/** One handler per command: the compiler refuses a table that misses one. */
export type CommandHandlers = { readonly [N in CommandName]: CommandHandler<N> };

const withUserSeq = <T extends object>(body: T, userSeq: number | null): T & WithUserSeq => (userSeq === null ? body : { ...body, userSeq });

/**
 * The one place where a command becomes a service call and a canonical result, whichever door
 * it came by; doors only translate names and shapes around it. Sends are counted and timed here,
 * per door, so every door shows up in the metrics the same way.
 */
export function commandHandlers(services: Services, metrics: Metrics): CommandHandlers {
  return {
    async send(caller, input) {
      const receivedAt = process.hrtime.bigint();
      const seconds = () => Number(process.hrtime.bigint() - receivedAt) / 1e9;
      const labels = { door: caller.door };
      const sent = await services.messaging.send(caller.userId, input, caller.connectionId, () => metrics.sendCommitSeconds.observe(labels, seconds()));
      if (!sent.duplicate) {
        metrics.messagesSent.inc(labels);
        metrics.sendLatencySeconds.observe(labels, seconds());
      }
      return { result: withUserSeq<Message>(sent.message, sent.userSeq), repeated: sent.duplicate };
    },
    async markRead(caller, input) {
      const read = await services.messaging.markRead(caller.userId, input.conversationId, input.upToSeq ?? null);
      return { result: withUserSeq({ conversationId: read.conversationId, readUpToSeq: read.readUpToSeq, unreadCount: read.unreadCount }, read.userSeq), repeated: false };
    },
    async typing(caller, input) {
      await services.typing.typing(caller.userId, input.receiverId, input.typing);
      return { result: undefined, repeated: false };
    },
    async requestExchange(caller, input) {
      const requested = await services.exchange.request(caller.userId, input.receiverId, input.kind, caller.connectionId);
      return { result: withUserSeq<Message>(requested.message, requested.userSeq), repeated: !requested.created };
    },
    async respondExchange(caller, input) {
      const responded = await services.exchange.respond(caller.userId, input.messageId, input.accept, caller.connectionId);
      return { result: withUserSeq({ result: responded.result, answer: responded.answer }, responded.userSeq), repeated: false };
    },
    async recall(caller, input) {
      const recalled = await services.messaging.recall(caller.userId, input.messageId);
      return { result: withUserSeq<Message>(recalled.message, recalled.userSeq), repeated: recalled.userSeq === null };
    },
    async getMessage(caller, input) {
      return { result: await services.queries.getMessage(caller.userId, input.messageId), repeated: false };
    },
    async edit(caller, input) {
      const edited = await services.edits.edit(caller.userId, input.messageId, input.content, caller.connectionId);
      return { result: withUserSeq<Message>(edited.message, edited.userSeq), repeated: edited.userSeq === null };
    },
    async react(caller, input) {
      const reacted = await services.edits.react(caller.userId, input.messageId, input.emoji, caller.connectionId);
      return { result: withUserSeq(reacted.notice, reacted.userSeq), repeated: reacted.userSeq === null };
    },
    async report(caller, input) {
      return { result: await services.reports.report(caller.userId, input), repeated: false };
    },
    async unmatch(caller, input) {
      const unmatched = await services.unmatches.unmatch(caller.userId, input.conversationId, caller.connectionId);
      return { result: withUserSeq(unmatched.result, unmatched.userSeq), repeated: unmatched.userSeq === null };
    },
    async hideMessage(caller, input) {
      const hidden = await services.conversationState.hide(caller.userId, input.messageId);
      return { result: withUserSeq(hidden.value, hidden.userSeq), repeated: hidden.userSeq === null };
    },
    async updateConversation(caller, input) {
      const { conversationId, ...patch } = input;
      const changed = await services.conversationState.updateSettings(caller.userId, conversationId, patch);
      return { result: withUserSeq(changed.value, changed.userSeq), repeated: changed.userSeq === null };
    },
    async clearConversation(caller, input) {
      const cleared = await services.conversationState.clear(caller.userId, input.conversationId);
      return { result: withUserSeq(cleared.value, cleared.userSeq), repeated: cleared.userSeq === null };
    },
  };
}
