import type { AdminService } from './admin-service.js';
import type { ConversationStateService } from './conversation-state-service.js';
import type { MediaService } from './media-service.js';
import type { ExchangeService } from './exchange-service.js';
import type { MessageQueries } from './message-queries.js';
import type { MessageEditService } from './message-edits.js';
import type { MessageSearchService } from './message-search-service.js';
import type { MessagingService } from './messaging-service.js';
import type { NotificationQueries } from './notification-queries.js';
import type { ModerationWords } from './moderation-words.js';
import type { PresenceService } from './presence-service.js';
import type { ReportService } from './report-service.js';
import type { RestrictionService } from './restriction-service.js';
import type { UnmatchService } from './unmatch-service.js';
import type { PushRegistrationService } from './push-registration-service.js';
import type { TypingService } from './typing-service.js';
import type { UserService } from './user-service.js';
import type { UserSettingsService } from './user-settings-service.js';

/** The use cases the doors call. */
export interface Services {
  /** The writes: send, read marks, recall. */
  messaging: MessagingService;
  /** The reads: one message, history, conversations, sync. */
  queries: MessageQueries;
  /** Each user's own view: delete for me, pin / mute / archive, clear, unread total. */
  conversationState: ConversationStateService;
  /** Changes to sent messages: edits and reactions. */
  edits: MessageEditService;
  /** Finding the caller's own messages by a piece of their text. */
  search: MessageSearchService;
  exchange: ExchangeService;
  typing: TypingService;
  presence: PresenceService;
  users: UserService;
  /** My own settings: read-receipt privacy. */
  settings: UserSettingsService;
  media: MediaService;
  admin: AdminService;
  /** The notification outbox as operators see it. */
  notifications: NotificationQueries;
  /** The moderation word lists (admin API). */
  moderationWords: ModerationWords;
  /** Reports about conversation peers and the operator's queue. */
  reports: ReportService;
  /** Mute and ban. */
  restrictions: RestrictionService;
  unmatches: UnmatchService;
  /** Where offline users are reached: WeChat openIds and grants, Web Push subscriptions. */
  push: PushRegistrationService;
}
