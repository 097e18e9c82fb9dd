/** A user's own settings (`GET/PUT /users/me/settings`, docs/operations.md). */
import { Type, type Static } from '@sinclair/typebox';

export interface UserSettings {
  /**
   * Reciprocal, as in WhatsApp: off means I neither send nor see read receipts. My reads are not
   * pushed to my peers, theirs are not pushed to me, and `peerReadUpToSeq` is null on both sides.
   */
  readReceipts: boolean;
}

/** The settings to change; a field left out keeps its value. */
export const UserSettingsBody = Type.Object({ readReceipts: Type.Optional(Type.Boolean()) });
export type UserSettingsBody = Static<typeof UserSettingsBody>;
