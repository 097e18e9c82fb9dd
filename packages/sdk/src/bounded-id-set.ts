/**
 * Remembers the last `capacity` ids seen (oldest forgotten first). Used to drop duplicate
 * deliveries of a message: the wire is at-least-once, the app's view is exactly-once.
 */
export class BoundedIdSet {
  private readonly ids = new Set<number>();

  constructor(private readonly capacity = 10_000) {}

  has(id: number): boolean {
    return this.ids.has(id);
  }

  /** Records `id`; returns false when it was already there. */
  add(id: number): boolean {
    if (this.ids.has(id)) return false;
    this.ids.add(id);
    if (this.ids.size > this.capacity) {
      const oldest = this.ids.values().next().value;
      if (oldest !== undefined) this.ids.delete(oldest);
    }
    return true;
  }
}
