import type { HubConnection } from './hub-connection.js';
import type { HubTransport } from './hub-transport.js';

/** A connection and the transport it was last bound to. */
export interface TableEntry {
  connection: HubConnection;
  transport: HubTransport;
}

/**
 * This node's SignalR connections by connection id, plus tombstones of disposed ones: a token
 * whose connection is gone must not open a new one, and a long poll still collects a final
 * Close from an ended connection before it gets 204.
 */
export class ConnectionTable {
  private readonly live = new Map<string, TableEntry>();
  private readonly gone = new Map<string, TableEntry & { untilMs: number }>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(private readonly tombstoneMs: number) {
    this.sweeper = setInterval(() => this.sweep(), Math.max(1000, Math.min(tombstoneMs, 10_000)));
    this.sweeper.unref();
  }

  /** Adds a connection, or rebinds it to a new transport (a stateful resume). */
  set(connection: HubConnection, transport: HubTransport): void {
    this.live.set(connection.id, { connection, transport });
  }

  /** Moves a disposed connection to the tombstones. */
  retire(connection: HubConnection): void {
    const entry = this.live.get(connection.id);
    if (entry?.connection !== connection) return;
    this.live.delete(connection.id);
    this.gone.set(connection.id, { ...entry, untilMs: Date.now() + this.tombstoneMs });
  }

  find(connectionId: string): (TableEntry & { live: boolean }) | null {
    const live = this.live.get(connectionId);
    if (live) return { ...live, live: true };
    const gone = this.gone.get(connectionId);
    return gone ? { connection: gone.connection, transport: gone.transport, live: false } : null;
  }

  all(): HubConnection[] {
    return [...this.live.values()].map((entry) => entry.connection);
  }

  close(): void {
    clearInterval(this.sweeper);
  }

  private sweep(): void {
    const now = Date.now();
    for (const [id, entry] of this.gone) if (entry.untilMs <= now) this.gone.delete(id);
  }
}
