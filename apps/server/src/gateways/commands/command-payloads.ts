import { COMMANDS, type CommandName, type CommandPayload } from '@parley/protocol';
import { payloadValidator } from '../payload-validator.js';

export type PayloadCheck<N extends CommandName> = (value: unknown) => CommandPayload<N>;

/** Each command's payload schema compiled once, for doors that receive a whole JSON payload (STOMP bodies). */
export const COMMAND_PAYLOADS = Object.fromEntries(
  Object.entries(COMMANDS).map(([name, command]) => [name, payloadValidator(command.payload, 'body')]),
) as { readonly [N in CommandName]: PayloadCheck<N> };
