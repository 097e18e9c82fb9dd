import type { FastifyInstance } from 'fastify';
import { commandHandlers } from '../commands/command-handlers.js';
import type { Door, DoorContext } from '../door.js';
import { chatHub } from './chat-hub.js';
import { ConnectionTable } from './connection-table.js';
import { ConnectionTokens } from './connection-token.js';
import { deleteTransport, getTransport, postToTransport } from './http-transports.js';
import { negotiate } from './negotiate.js';
import { preflightHeaders } from './cors-headers.js';
import { resolveSignalROptions } from './signalr-options.js';
import { SignalRRuntime } from './signalr-runtime.js';
import { webSocketUpgrade } from './websocket-upgrade.js';

export const HUB_PATH = '/hubs/chat';

/**
 * The SignalR door (docs/signalr.md): `POST /hubs/chat/negotiate`, WebSockets,
 * Server-Sent Events and long polling at `/hubs/chat`, the JSON hub protocol and the ChatHub.
 * Its options come from `config.signalr`, overridden by `context.options.signalr` (see SignalROptions).
 */
export function openSignalRDoor(context: DoorContext): Door {
  const tuning = context.options?.signalr;
  const options = resolveSignalROptions({ ...context.config.signalr, ...(tuning && typeof tuning === 'object' ? tuning : {}) });
  const table = new ConnectionTable(Math.max(options.unusedTokenTtlMs, 5000));
  const secret = context.config.signalrSecret ?? context.config.jwt.secret;
  const runtime = new SignalRRuntime({
    options,
    tokens: new ConnectionTokens(secret),
    table,
    auth: context.auth,
    registry: context.registry,
    metrics: context.metrics,
    logger: context.logger,
    methods: chatHub(commandHandlers(context.services, context.metrics), context.services.queries),
  });

  void context.http.register(async (scope: FastifyInstance) => {
    // Transport bodies are read raw (records, not JSON documents), with their own limit.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', (_request, payload, done) => done(null, payload));
    const hide = { schema: { hide: true } };
    scope.post(`${HUB_PATH}/negotiate`, hide, (request, reply) => negotiate(runtime, request, reply));
    scope.get(HUB_PATH, hide, (request, reply) => getTransport(runtime, request, reply));
    scope.post(HUB_PATH, hide, (request, reply) => postToTransport(runtime, request, reply));
    scope.delete(HUB_PATH, hide, (request, reply) => deleteTransport(runtime, request, reply));
    for (const path of [HUB_PATH, `${HUB_PATH}/negotiate`]) {
      scope.options(path, hide, async (request, reply) => reply.code(204).headers(preflightHeaders(request.headers)).send());
    }
  });

  const upgrade = webSocketUpgrade(runtime);
  context.upgrades.add((pathname) => pathname === HUB_PATH || pathname === `${HUB_PATH}/`, upgrade.handle);

  return {
    name: 'signalr',
    async close() {
      runtime.closing = true;
      for (const connection of table.all()) connection.close('shutdown');
      upgrade.close();
      table.close();
    },
  };
}
