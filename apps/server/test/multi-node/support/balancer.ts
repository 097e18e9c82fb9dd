import { createServer, connect, type Server, type Socket } from 'node:net';

/**
 * A round-robin TCP load balancer with no affinity at all: every new connection goes to the
 * next live backend, so a client's negotiate, transport and REST calls may each land on a
 * different node. `down()` takes a backend out and cuts its connections, as a health-checking
 * balancer does when a node dies.
 */
export class Balancer implements AsyncDisposable {
  private readonly server: Server;
  private readonly live: Map<string, Set<Socket>>;
  private next = 0;
  url = '';

  constructor(backends: string[]) {
    this.live = new Map(backends.map((b) => [new URL(b).port, new Set<Socket>()]));
    this.server = createServer((client) => this.route(client));
  }

  async listen(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    const address = this.server.address();
    if (!address || typeof address === 'string') throw new Error('no address');
    this.url = `http://127.0.0.1:${address.port}`;
    return this.url;
  }

  down(backend: string): void {
    const port = new URL(backend).port;
    for (const socket of this.live.get(port) ?? []) socket.destroy();
    this.live.delete(port);
  }

  private route(client: Socket): void {
    const ports = [...this.live.keys()];
    if (ports.length === 0) return void client.destroy();
    const port = ports[this.next++ % ports.length]!;
    const upstream = connect(Number(port), '127.0.0.1');
    const sockets = this.live.get(port)!;
    sockets.add(upstream);
    const end = () => {
      sockets.delete(upstream);
      client.destroy();
      upstream.destroy();
    };
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
    client.pipe(upstream);
    upstream.pipe(client);
  }

  async [Symbol.asyncDispose](): Promise<void> {
    for (const sockets of this.live.values()) for (const s of sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
