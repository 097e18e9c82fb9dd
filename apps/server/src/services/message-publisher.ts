import type { Message } from '@parley/protocol';
import type { DeliveryService } from './delivery-service.js';
import { recipientsOf } from './recipients.js';

/** Publishes a committed message to both users' connections, each with the userSeq it took in their log. */
export class MessagePublisher {
  constructor(private readonly delivery: DeliveryService) {}

  /** `bodies` replaces the message for some users (an exchange result shows each side only the other's data). */
  async publish(message: Message, userSeqs: Map<number, number>, originSessionId?: string, bodies?: Map<number, Message>): Promise<void> {
    await this.delivery.publish({
      kind: 'message',
      body: message,
      recipients: recipientsOf(userSeqs, [message.senderId, message.receiverId], bodies),
      ...(originSessionId ? { originSessionId } : {}),
    });
  }
}
