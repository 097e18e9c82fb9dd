/**
 * Decides which typing notices reach the wire: a `true` at most once per `intervalMs` per peer
 * (the server expires typing after 6 s, so renewing every ~3 s keeps it on), and a `false` only
 * when a `true` was sent since the last `false`.
 */
export class TypingThrottle {
  private readonly lastTrueAt = new Map<number, number>();

  constructor(
    private readonly intervalMs = 3000,
    private readonly now: () => number = Date.now,
  ) {}

  /** Whether a notice `typing` to `receiverId` should be sent now; records it if so. */
  shouldSend(receiverId: number, typing: boolean): boolean {
    const last = this.lastTrueAt.get(receiverId);
    if (!typing) {
      if (last === undefined) return false;
      this.lastTrueAt.delete(receiverId);
      return true;
    }
    const now = this.now();
    if (last !== undefined && now - last < this.intervalMs) return false;
    this.lastTrueAt.set(receiverId, now);
    return true;
  }

  /** Forgets everything (after a reconnect the server has expired our notices anyway). */
  reset(): void {
    this.lastTrueAt.clear();
  }
}
