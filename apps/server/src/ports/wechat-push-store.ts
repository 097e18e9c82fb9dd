/** A user's WeChat reachability: the two openIds and the subscribe-message grants left. */
export interface WeChatPushAccount {
  /** Mini-program openId, for subscribe messages. */
  openId: string | null;
  /** Official Account openId (a different id for the same person), for template messages. */
  oaOpenId: string | null;
  /** Subscribe messages the user has allowed and not yet received. */
  grantBalance: number;
}

export interface WeChatOpenIdsPatch {
  openId?: string | null;
  oaOpenId?: string | null;
}

/**
 * WeChat registrations. Grants are taken before a send and given back when WeChat did not use
 * them, so two notifications sent at once can never spend one grant twice.
 */
export interface WeChatPushStore {
  /** The user's account; no openId and a zero balance when nothing was registered. */
  get(userId: number): Promise<WeChatPushAccount>;
  /** Sets the present fields (null clears); the user must exist. */
  setOpenIds(userId: number, patch: WeChatOpenIdsPatch): Promise<WeChatPushAccount>;
  /** Adds grants, keeping the balance at most `cap`; answers the new balance. */
  addGrants(userId: number, count: number, cap: number): Promise<number>;
  /** Takes one grant when the user has a mini-program openId and a balance above zero; answers the openId, else null. */
  takeGrant(userId: number): Promise<string | null>;
  /** Gives back a grant taken for a send WeChat did not accept. */
  returnGrant(userId: number): Promise<void>;
  /** WeChat says the user has no grant left (they refused, or our count drifted): zero the balance. */
  clearGrants(userId: number): Promise<void>;
}
