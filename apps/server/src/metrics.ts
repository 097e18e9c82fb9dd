import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Prometheus metrics of one app instance (its own registry, so tests can run several apps). */
export class Metrics {
  readonly registry = new Registry();
  readonly messagesSent = new Counter({ name: 'parley_messages_sent_total', help: 'Messages stored', labelNames: ['door'], registers: [this.registry] });
  readonly sendBatchSize = new Histogram({
    name: 'parley_send_batch_size',
    help: 'Messages per committed send batch',
    buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256],
    registers: [this.registry],
  });
  readonly pushes = new Counter({ name: 'parley_pushes_total', help: 'Events pushed to connections', labelNames: ['door'], registers: [this.registry] });
  readonly errors = new Counter({ name: 'parley_client_errors_total', help: 'Errors answered to clients', labelNames: ['code'], registers: [this.registry] });
  readonly connections: Gauge;

  constructor(liveConnections: () => number, defaults = false) {
    this.connections = new Gauge({
      name: 'parley_connections',
      help: 'Live STOMP and SignalR connections on this node',
      registers: [this.registry],
      collect() {
        this.set(liveConnections());
      },
    });
    if (defaults) collectDefaultMetrics({ register: this.registry });
  }
}
