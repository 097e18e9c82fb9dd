import { DEFAULT_SIGNALR_CONFIG, type SignalRConfig } from '../../config.js';

/**
 * Timers and limits of the SignalR door: `config.signalr` (PARLEY_SIGNALR_* settings, ASP.NET
 * Core SignalR's defaults); tests shorten the timers through `AppOverrides.doorOptions.signalr`.
 */
export type SignalROptions = SignalRConfig;

export const DEFAULT_SIGNALR_OPTIONS: Readonly<SignalROptions> = DEFAULT_SIGNALR_CONFIG;

/** Defaults overridden by the positive numbers in `partial`; anything else is ignored. */
export function resolveSignalROptions(partial: unknown): Readonly<SignalROptions> {
  const options: SignalROptions = { ...DEFAULT_SIGNALR_OPTIONS };
  if (partial && typeof partial === 'object') {
    for (const key of Object.keys(options) as (keyof SignalROptions)[]) {
      const value = (partial as Record<string, unknown>)[key];
      if (typeof value === 'number' && Number.isFinite(value) && value > 0) options[key] = value;
    }
  }
  return Object.freeze(options);
}
