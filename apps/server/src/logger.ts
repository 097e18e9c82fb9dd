import pino, { type DestinationStream, type Logger } from 'pino';

/** How an embedder or a test wants the process log: false for silence, or a level and where to write. */
export type LoggerSetting = false | { level?: string; stream?: DestinationStream };

/**
 * The one logger of an app, made before anything that logs (the HTTP server, the doors, the
 * Redis connections), so that every part gets it at construction instead of later.
 */
export function createLogger(configuredLevel: string, setting: LoggerSetting = {}): Logger {
  if (setting === false) return pino({ level: 'silent' });
  const options = { level: setting.level ?? configuredLevel };
  return setting.stream ? pino(options, setting.stream) : pino(options);
}
