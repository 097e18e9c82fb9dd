import { STOMP_COMMAND_DESTINATIONS, STOMP_FETCHED_QUEUE, STOMP_REPORTS_QUEUE, type CommandName, type Message } from '@parley/protocol';
import type { CommandCaller, CommandHandlers } from '../commands/command-handlers.js';
import { COMMAND_PAYLOADS } from '../commands/command-payloads.js';

/** What an application handler may use: the caller, the command table and this connection. */
export interface StompCommandContext {
  readonly caller: CommandCaller;
  readonly commands: CommandHandlers;
  /** Pushes a message to this connection only, without user-seq (the answer to a repeated send). */
  echoToSelf(message: Message): void;
  /** Pushes a query's answer to this connection only, on a queue of its own. */
  answer(destination: string, body: unknown): void;
}

/**
 * Handles one `SEND /app/<name>` body (parsed JSON). Resolves once the operation is committed;
 * throws AppError for the client's mistakes. Pushes to the users concerned go through delivery;
 * STOMP has no replies, so a command's own answer is a push to this connection.
 */
export type StompCommandHandler = (context: StompCommandContext, body: unknown) => Promise<void>;

/** How the STOMP door answers each command, beside the pushes every door gets. */
const STOMP_ANSWERS: { readonly [N in CommandName]: StompCommandHandler } = {
  send: async (ctx, body) => {
    const payload = COMMAND_PAYLOADS.send(body);
    const sent = await ctx.commands.send(ctx.caller, { ...payload, extra: payload.extra ?? null });
    if (sent.repeated) ctx.echoToSelf(sent.result);
  },
  markRead: async (ctx, body) => void (await ctx.commands.markRead(ctx.caller, COMMAND_PAYLOADS.markRead(body))),
  typing: async (ctx, body) => void (await ctx.commands.typing(ctx.caller, COMMAND_PAYLOADS.typing(body))),
  requestExchange: async (ctx, body) => {
    const requested = await ctx.commands.requestExchange(ctx.caller, COMMAND_PAYLOADS.requestExchange(body));
    if (requested.repeated) ctx.echoToSelf(requested.result);
  },
  respondExchange: async (ctx, body) => void (await ctx.commands.respondExchange(ctx.caller, COMMAND_PAYLOADS.respondExchange(body))),
  recall: async (ctx, body) => void (await ctx.commands.recall(ctx.caller, COMMAND_PAYLOADS.recall(body))),
  getMessage: async (ctx, body) => {
    const found = await ctx.commands.getMessage(ctx.caller, COMMAND_PAYLOADS.getMessage(body));
    ctx.answer(STOMP_FETCHED_QUEUE, found.result);
  },
  // Both users' devices, this connection included, get the change on /user/queue/edits and
  // /user/queue/reactions; a repeat that changed nothing pushes nothing (its RECEIPT still comes).
  edit: async (ctx, body) => void (await ctx.commands.edit(ctx.caller, COMMAND_PAYLOADS.edit(body))),
  react: async (ctx, body) => void (await ctx.commands.react(ctx.caller, COMMAND_PAYLOADS.react(body))),
  report: async (ctx, body) => {
    const reported = await ctx.commands.report(ctx.caller, COMMAND_PAYLOADS.report(body));
    ctx.answer(STOMP_REPORTS_QUEUE, reported.result);
  },
  // Both users' devices get the change on /user/queue/conversations.
  unmatch: async (ctx, body) => void (await ctx.commands.unmatch(ctx.caller, COMMAND_PAYLOADS.unmatch(body))),
  // "Me" operations: the caller's devices, this connection included, get the change on
  // /user/queue/hides or /user/queue/conversations; asking for what already holds pushes nothing.
  hideMessage: async (ctx, body) => void (await ctx.commands.hideMessage(ctx.caller, COMMAND_PAYLOADS.hideMessage(body))),
  updateConversation: async (ctx, body) => void (await ctx.commands.updateConversation(ctx.caller, COMMAND_PAYLOADS.updateConversation(body))),
  clearConversation: async (ctx, body) => void (await ctx.commands.clearConversation(ctx.caller, COMMAND_PAYLOADS.clearConversation(body))),
};

/** `SEND` destination (`/app/chat.send`, …) → handler. */
export const APP_HANDLERS: ReadonlyMap<string, StompCommandHandler> = new Map(
  (Object.keys(STOMP_ANSWERS) as CommandName[]).map((name) => [STOMP_COMMAND_DESTINATIONS[name], STOMP_ANSWERS[name]]),
);
