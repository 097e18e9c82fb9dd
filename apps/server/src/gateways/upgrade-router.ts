import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';

export type UpgradeHandler = (request: IncomingMessage, socket: Duplex, head: Buffer) => void;

/**
 * The one 'upgrade' listener of the HTTP server (protocols §0): routes WebSocket upgrades by
 * path to the doors and destroys anything else.
 */
export class UpgradeRouter {
  private readonly routes: { matches: (pathname: string) => boolean; handler: UpgradeHandler }[] = [];

  add(matches: (pathname: string) => boolean, handler: UpgradeHandler): void {
    this.routes.push({ matches, handler });
  }

  handle = (request: IncomingMessage, socket: Duplex, head: Buffer): void => {
    const pathname = (request.url ?? '/').split('?')[0]!;
    const route = this.routes.find((r) => r.matches(pathname));
    if (!route) {
      socket.destroy();
      return;
    }
    socket.on('error', () => socket.destroy());
    route.handler(request, socket, head);
  };
}
