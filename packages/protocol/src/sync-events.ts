/**
 * The kinds of change kept in each user's update log and replayed by `GET /sync` (the `type` of
 * a sync event). docs/operations.md describes each.
 */
import type { PushKind } from './push-kinds.js';

export const SYNC_EVENT_TYPES = ['message', 'read', 'recall', 'exchange', 'edit', 'reaction', 'hide', 'conversation'] as const satisfies readonly PushKind[];
export type SyncEventType = (typeof SYNC_EVENT_TYPES)[number];

export function isSyncEventType(value: unknown): value is SyncEventType {
  return typeof value === 'string' && (SYNC_EVENT_TYPES as readonly string[]).includes(value);
}
