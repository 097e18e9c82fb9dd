import { describe, expect, it } from 'vitest';
import { COMMAND_NAMES } from './commands.js';
import { ERROR_CODES, isRetryableErrorCode, RETRYABLE_ERROR_CODES } from './errors.js';
import { PUSH_KINDS } from './push-kinds.js';
import { REST_COMMAND_ROUTES } from './rest-routes.js';
import { HUB_COMMAND_METHODS, HUB_GROUP_METHODS, HUB_PUSH_EVENTS } from './signalr-names.js';
import { STOMP_COMMAND_DESTINATIONS, STOMP_PUSH_QUEUES, STOMP_SUBSCRIBABLE_QUEUES } from './stomp-destinations.js';
import { isSyncEventType, SYNC_EVENT_TYPES } from './sync-events.js';

describe('wire vocabulary', () => {
  it('gives every command one distinct name on each door', () => {
    const stomp = COMMAND_NAMES.map((name) => STOMP_COMMAND_DESTINATIONS[name]);
    const hub = COMMAND_NAMES.flatMap((name) => HUB_COMMAND_METHODS[name].map((method) => method.toLowerCase()));
    const rest = COMMAND_NAMES.map((name) => REST_COMMAND_ROUTES[name]).filter((route) => route !== null);
    expect(new Set(stomp).size).toBe(stomp.length);
    expect(new Set([...hub, ...HUB_GROUP_METHODS.map((m) => m.toLowerCase())]).size).toBe(hub.length + HUB_GROUP_METHODS.length);
    expect(new Set(rest).size).toBe(rest.length);
  });

  it('gives every push kind its own queue and event names', () => {
    const queues = PUSH_KINDS.map((kind) => STOMP_PUSH_QUEUES[kind]);
    const events = PUSH_KINDS.flatMap((kind) => HUB_PUSH_EVENTS[kind]);
    expect(new Set(queues).size).toBe(PUSH_KINDS.length);
    expect(new Set(events).size).toBe(events.length);
    expect(STOMP_SUBSCRIBABLE_QUEUES).toEqual(expect.arrayContaining(queues));
  });

  it('replays only push kinds through /sync, and retries only known codes', () => {
    expect(PUSH_KINDS).toEqual(expect.arrayContaining([...SYNC_EVENT_TYPES]));
    expect(isSyncEventType('typing')).toBe(false);
    expect(ERROR_CODES).toEqual(expect.arrayContaining([...RETRYABLE_ERROR_CODES]));
    expect(isRetryableErrorCode('UNAVAILABLE')).toBe(true);
    expect(isRetryableErrorCode('VALIDATION_FAILED')).toBe(false);
  });
});
