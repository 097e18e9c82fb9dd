/**
 * The JSON hub protocol's messages as this server reads them. Unknown types
 * and unknown fields are ignored, as the protocol asks; a record that is not a JSON object with
 * a numeric `type`, or a known type with malformed fields, is a protocol error.
 */
export const MessageType = {
  Invocation: 1,
  StreamItem: 2,
  Completion: 3,
  StreamInvocation: 4,
  CancelInvocation: 5,
  Ping: 6,
  Close: 7,
  Ack: 8,
  Sequence: 9,
} as const;

export type IncomingMessage =
  | { type: 1; invocationId?: string; target: string; arguments: unknown[]; streamIds?: string[] }
  | { type: 4; invocationId: string; target: string; arguments: unknown[] }
  | { type: 2 | 3 | 5; invocationId?: string }
  | { type: 6 }
  | { type: 7; error?: string }
  | { type: 8 | 9; sequenceId: number }
  | { type: 'unknown' };

export class HubProtocolError extends Error {}

/** Types 1–5: the messages stateful reconnect numbers, buffers and acknowledges. */
export function isSequenced(type: number | 'unknown'): boolean {
  return typeof type === 'number' && type >= 1 && type <= 5;
}

export function parseHubMessage(text: string): IncomingMessage {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new HubProtocolError('a hub message is not valid JSON');
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw new HubProtocolError('a hub message must be a JSON object');
  const m = value as Record<string, unknown>;
  if (typeof m.type !== 'number') throw new HubProtocolError("a hub message needs a numeric 'type'");
  const invocationId = optionalString(m.invocationId, 'invocationId');
  switch (m.type) {
    case MessageType.Invocation: {
      const target = requiredString(m.target, 'target');
      const args = argumentsOf(m.arguments);
      const streamIds = m.streamIds === undefined || m.streamIds === null ? undefined : stringArray(m.streamIds, 'streamIds');
      return { type: 1, target, arguments: args, ...(invocationId !== undefined ? { invocationId } : {}), ...(streamIds?.length ? { streamIds } : {}) };
    }
    case MessageType.StreamInvocation:
      if (invocationId === undefined) throw new HubProtocolError("a StreamInvocation needs an 'invocationId'");
      return { type: 4, invocationId, target: requiredString(m.target, 'target'), arguments: argumentsOf(m.arguments) };
    case MessageType.StreamItem:
    case MessageType.Completion:
    case MessageType.CancelInvocation:
      return { type: m.type, ...(invocationId !== undefined ? { invocationId } : {}) };
    case MessageType.Ping:
      return { type: 6 };
    case MessageType.Close:
      return { type: 7, ...(typeof m.error === 'string' ? { error: m.error } : {}) };
    case MessageType.Ack:
    case MessageType.Sequence:
      if (typeof m.sequenceId !== 'number' || !Number.isSafeInteger(m.sequenceId) || m.sequenceId < 0) {
        throw new HubProtocolError("an Ack or Sequence message needs a non-negative integer 'sequenceId'");
      }
      return { type: m.type, sequenceId: m.sequenceId };
    default:
      return { type: 'unknown' };
  }
}

function optionalString(value: unknown, name: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new HubProtocolError(`'${name}' must be a string`);
  return value;
}

function requiredString(value: unknown, name: string): string {
  if (typeof value !== 'string' || value.length === 0) throw new HubProtocolError(`'${name}' must be a non-empty string`);
  return value;
}

function argumentsOf(value: unknown): unknown[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw new HubProtocolError("'arguments' must be an array");
  return value;
}

function stringArray(value: unknown, name: string): string[] {
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) throw new HubProtocolError(`'${name}' must be an array of strings`);
  return value;
}
