import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * The HS256 secret for development sign-in when JWT_SECRET is not set: kept in the data
 * directory so tokens survive a restart, or random per process for `memory://`.
 */
export async function loadDevSecret(dataDir: string): Promise<Uint8Array> {
  if (dataDir === 'memory://') return randomBytes(32);
  const file = join(dataDir, 'dev-jwt-secret');
  try {
    return Buffer.from((await readFile(file, 'utf8')).trim(), 'base64url');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const secret = randomBytes(32);
  await mkdir(dataDir, { recursive: true });
  await writeFile(file, secret.toString('base64url'), { mode: 0o600 });
  return secret;
}
