import type { UserSettings, UserSettingsBody } from '@parley/protocol';
import { AppError } from '../domain/app-error.js';
import type { UserSettingsStore } from '../ports/user-settings-store.js';

/** `GET/PUT /users/me/settings`: a user's own settings (read-receipt privacy). */
export class UserSettingsService {
  constructor(private readonly deps: { settings: UserSettingsStore }) {}

  async get(userId: number): Promise<UserSettings> {
    const settings = await this.deps.settings.get(userId);
    if (!settings) throw new AppError('USER_NOT_FOUND', `user ${userId} does not exist`);
    return settings;
  }

  /** A field left out keeps its value. The change applies to read marks made from now on. */
  async update(userId: number, patch: UserSettingsBody): Promise<UserSettings> {
    const settings = await this.deps.settings.update(userId, patch.readReceipts === undefined ? {} : { readReceipts: patch.readReceipts });
    if (!settings) throw new AppError('USER_NOT_FOUND', `user ${userId} does not exist`);
    return settings;
  }
}
