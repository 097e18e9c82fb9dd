import { sql as initial } from './0001-initial.js';

/** Append-only: never edit a shipped migration; add the next number. */
export const MIGRATIONS: readonly { version: number; name: string; sql: string }[] = [{ version: 1, name: 'initial', sql: initial }];
