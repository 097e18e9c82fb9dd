/** A browser's push subscription as `PushSubscription.toJSON()` gives it. */
export interface WebPushSubscription {
  endpoint: string;
  keys: { p256dh: string; auth: string };
}

/**
 * Web Push subscriptions, one per endpoint: an endpoint is one browser profile's channel, so when
 * another user registers it (a shared computer), it moves to them.
 */
export interface WebPushStore {
  save(userId: number, subscription: WebPushSubscription): Promise<void>;
  /** Removes the user's subscription of that endpoint; false when they had none. */
  remove(userId: number, endpoint: string): Promise<boolean>;
  /** Removes an endpoint the push service says is gone, whoever holds it. */
  removeEndpoint(endpoint: string): Promise<void>;
  forUser(userId: number): Promise<WebPushSubscription[]>;
}
