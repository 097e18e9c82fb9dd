import type { BlockStore } from '../ports/block-store.js';
import type { AdminService } from './admin-service.js';
import type { MediaService } from './media-service.js';
import type { ExchangeService } from './exchange-service.js';
import type { MessagingService } from './messaging-service.js';
import type { PresenceService } from './presence-service.js';
import type { TypingService } from './typing-service.js';
import type { UserService } from './user-service.js';
import type { DeliveryService } from './delivery-service.js';

/** The use cases the doors call. */
export interface Services {
  messaging: MessagingService;
  exchange: ExchangeService;
  typing: TypingService;
  presence: PresenceService;
  users: UserService;
  media: MediaService;
  delivery: DeliveryService;
  blocks: BlockStore;
  admin: AdminService;
}
