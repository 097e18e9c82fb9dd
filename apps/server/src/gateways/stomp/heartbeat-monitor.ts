import type { HeartbeatPlan } from './connect-negotiation.js';

/** Silence longer than this many client periods ends the connection. */
export const CLIENT_SILENCE_FACTOR = 3;

/**
 * Keeps the agreed heart-beats: writes an EOL when the server has been quiet for half its period
 * (so the client never sees a gap near its 2× limit), and reports a client silent for 3× its period.
 */
export class HeartbeatMonitor {
  lastSentAt = Date.now();
  lastReceivedAt = Date.now();
  private readonly timers: NodeJS.Timeout[] = [];

  constructor(
    plan: HeartbeatPlan,
    private readonly sendBeat: () => void,
    private readonly onSilentPeer: (silentMs: number) => void,
  ) {
    if (plan.serverSendMs > 0) {
      this.every(plan.serverSendMs, () => {
        if (Date.now() - this.lastSentAt >= plan.serverSendMs / 2) this.sendBeat();
      });
    }
    if (plan.clientSendMs > 0) {
      const limit = plan.clientSendMs * CLIENT_SILENCE_FACTOR;
      this.every(Math.max(10, plan.clientSendMs / 2), () => {
        const silent = Date.now() - this.lastReceivedAt;
        if (silent > limit) this.onSilentPeer(silent);
      });
    }
  }

  stop(): void {
    for (const timer of this.timers) clearInterval(timer);
    this.timers.length = 0;
  }

  private every(ms: number, tick: () => void): void {
    const timer = setInterval(tick, ms);
    timer.unref();
    this.timers.push(timer);
  }
}
