import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { pathnameOf } from './request-query.js';

export type UpgradeHandler = (request: IncomingMessage, socket: Duplex, head: Buffer) => void;

/**
 * The one 'upgrade' listener of the HTTP server: several doors share one port (`/ws`, `/hubs/chat`), so
 * WebSocket upgrades are routed by path to the doors and anything else is destroyed.
 */
export class UpgradeRouter {
  private readonly routes: { matches: (pathname: string) => boolean; handler: UpgradeHandler }[] = [];

  add(matches: (pathname: string) => boolean, handler: UpgradeHandler): void {
    this.routes.push({ matches, handler });
  }

  handle = (request: IncomingMessage, socket: Duplex, head: Buffer): void => {
    const pathname = pathnameOf(request.url);
    const route = this.routes.find((r) => r.matches(pathname));
    if (!route) {
      socket.destroy();
      return;
    }
    socket.on('error', () => socket.destroy());
    route.handler(request, socket, head);
  };
}
