import type { PushRecipient } from '../domain/delivery-event.js';

/** Recipients for a logged change: each user with the userSeq the change took in their log. */
export function recipientsOf<B>(userSeqs: Map<number, number>, userIds: readonly number[], bodies?: Map<number, B>): PushRecipient<B>[] {
  return [...new Set(userIds)].map((userId) => {
    const recipient: PushRecipient<B> = { userId, userSeq: userSeqs.get(userId) ?? null };
    const body = bodies?.get(userId);
    if (body !== undefined) recipient.body = body;
    return recipient;
  });
}
