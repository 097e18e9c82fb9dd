import { sql as initial } from './0001-initial.js';
import { sql as mediaHardening } from './0003-media-hardening.js';
import { sql as appendMessagesFunction } from './0004-append-messages-function.js';
import { sql as conversationState } from './0005-conversation-state.js';
import { sql as sendSafety } from './0006-send-safety.js';
import { sql as reports } from './0007-reports.js';
import { sql as conversationList } from './0009-conversation-list.js';
import { sql as messageSearch } from './0010-message-search.js';
import { sql as outbox } from './0011-outbox.js';
import { sql as pushRegistrations } from './0012-push-registrations.js';
import { sql as searchRecentWalk } from './0013-search-recent-walk.js';
import { sql as appendWithoutReadBack } from './0014-append-without-read-back.js';
import { sql as roomForInPlaceUpdates } from './0015-room-for-in-place-updates.js';

/** Append-only: never edit a shipped migration; add the next number. */
export const MIGRATIONS: readonly { version: number; name: string; sql: string }[] = [
  { version: 1, name: 'initial', sql: initial },
  { version: 3, name: 'media-hardening', sql: mediaHardening },
  { version: 4, name: 'append-messages-function', sql: appendMessagesFunction },
  { version: 5, name: 'conversation-state', sql: conversationState },
  { version: 6, name: 'send-safety', sql: sendSafety },
  { version: 7, name: 'reports', sql: reports },
  { version: 9, name: 'conversation-list', sql: conversationList },
  { version: 10, name: 'message-search', sql: messageSearch },
  { version: 11, name: 'outbox', sql: outbox },
  { version: 12, name: 'push-registrations', sql: pushRegistrations },
  { version: 13, name: 'search-recent-walk', sql: searchRecentWalk },
  { version: 14, name: 'append-without-read-back', sql: appendWithoutReadBack },
  { version: 15, name: 'room-for-in-place-updates', sql: roomForInPlaceUpdates },
];
