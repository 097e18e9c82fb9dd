import { SharedIntervals } from '../shared-intervals.js';
import type { HeartbeatPlan } from './connect-negotiation.js';

/** Silence longer than this many client periods ends the connection. */
export const CLIENT_SILENCE_FACTOR = 3;

/**
 * What the monitor acts on: its connection itself, rather than two callbacks, which cost every
 * idle session two closures and their scope.
 */
export interface HeartbeatPeer {
  /** Writes a heart-beat (an EOL). */
  sendHeartbeat(): void;
  /** Ends the connection: the client has been silent for `silentMs`. */
  heartbeatTimedOut(silentMs: number): void;
}

/** Every connection's two checks, on timers shared by all connections with the same period. */
const SEND_CHECKS = new SharedIntervals<HeartbeatMonitor>((monitor, now) => monitor.checkSend(now));
const SILENCE_CHECKS = new SharedIntervals<HeartbeatMonitor>((monitor, now) => monitor.checkSilence(now));

/**
 * Keeps the agreed heart-beats: writes an EOL when the server has been quiet for half its period
 * (so the client never sees a gap near its 2× limit), and reports a client silent for 3× its period.
 */
export class HeartbeatMonitor {
  lastSentAt = Date.now();
  lastReceivedAt = Date.now();
  private readonly silenceCheckMs: number;

  constructor(
    private readonly plan: HeartbeatPlan,
    private readonly peer: HeartbeatPeer,
  ) {
    this.silenceCheckMs = Math.max(10, plan.clientSendMs / 2);
    if (plan.serverSendMs > 0) SEND_CHECKS.add(plan.serverSendMs, this);
    if (plan.clientSendMs > 0) SILENCE_CHECKS.add(this.silenceCheckMs, this);
  }

  stop(): void {
    if (this.plan.serverSendMs > 0) SEND_CHECKS.delete(this.plan.serverSendMs, this);
    if (this.plan.clientSendMs > 0) SILENCE_CHECKS.delete(this.silenceCheckMs, this);
  }

  /** @internal called by the shared timer */
  checkSend(now: number): void {
    if (now - this.lastSentAt >= this.plan.serverSendMs / 2) this.peer.sendHeartbeat();
  }

  /** @internal called by the shared timer */
  checkSilence(now: number): void {
    const silent = now - this.lastReceivedAt;
    if (silent > this.plan.clientSendMs * CLIENT_SILENCE_FACTOR) this.peer.heartbeatTimedOut(silent);
  }
}
