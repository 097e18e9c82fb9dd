import type { FastifyBaseLogger } from 'fastify';
import type { Identity } from '../../auth/token-verifier.js';
import type { Authenticator } from '../../auth/authenticator.js';
import type { Metrics } from '../../metrics.js';
import type { SessionRegistry } from '../../services/session-registry.js';
import type { HubMethod } from './chat-hub.js';
import type { ConnectionClaims, ConnectionTokens } from './connection-token.js';
import type { ConnectionTable } from './connection-table.js';
import { HubConnection } from './hub-connection.js';
import type { HubTransport } from './hub-transport.js';
import type { SignalROptions } from './signalr-options.js';

/** What the negotiate route, the HTTP transports and the WebSocket upgrade share. */
export class SignalRRuntime {
  closing = false;
  /** One callback for every connection, rather than a closure made for each. */
  private readonly retire = (connection: HubConnection): void => this.deps.table.retire(connection);
  /** Connections with a POST being read: a concurrent one gets 409. */
  readonly posting = new Set<string>();

  constructor(
    readonly deps: {
      options: Readonly<SignalROptions>;
      tokens: ConnectionTokens;
      table: ConnectionTable;
      auth: Authenticator;
      registry: SessionRegistry;
      metrics: Metrics;
      logger: FastifyBaseLogger;
      methods: ReadonlyMap<string, HubMethod>;
    },
  ) {}

  /**
   * What a transport request's `id` names: a connection of this node (live or recently gone),
   * a valid unused token that may open one here, or nothing (404).
   */
  lookup(id: string): { kind: 'known'; entry: NonNullable<ReturnType<ConnectionTable['find']>> } | { kind: 'new'; claims: ConnectionClaims } | { kind: 'unknown' } {
    const claims = this.deps.tokens.verify(id);
    if (!claims) return { kind: 'unknown' };
    const entry = this.deps.table.find(claims.connectionId);
    if (entry) return { kind: 'known', entry };
    if (claims.expiresAtMs < Date.now() || this.closing) return { kind: 'unknown' };
    return { kind: 'new', claims };
  }

  /** Opens a connection bound to `transport`, created by `bind` once the connection exists. */
  open(claims: Pick<ConnectionClaims, 'userId' | 'connectionId' | 'stateful'>, identity: Identity, bind: (connection: HubConnection) => HubTransport): HubConnection {
    const { table } = this.deps;
    const connection = new HubConnection({
      userId: claims.userId,
      connectionId: claims.connectionId,
      statefulRequested: claims.stateful,
      accessExpiresAt: identity.expiresAt,
      methods: this.deps.methods,
      options: this.deps.options,
      registry: this.deps.registry,
      metrics: this.deps.metrics,
      logger: this.deps.logger,
      onDisposed: this.retire,
    });
    const transport = bind(connection);
    table.set(connection, transport);
    connection.attach(transport);
    return connection;
  }
}
