import { randomInt } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { WebSocket } from 'ws';
import type { ClosableTransport } from '../transport.js';
import { HttpReceiver, type HttpReceiverKind } from './http-receiver.js';
import { parseClientPayload, SockjsPayloadError } from './sockjs-frames.js';
import { corsHeaders, NO_CACHE, preflightHeaders } from './sockjs-http-headers.js';
import { SockjsSession, type SockjsSessionTimings } from './sockjs-session.js';
import { SockjsWebSocketTransport } from './sockjs-websocket-transport.js';

/** What the application does with a new SockJS session: feed it messages, tell it about the end. */
export interface SockjsSessionHandle {
  receive(message: string): void;
  transportClosed(): void;
}

/** Opens the application side of a session; the request is the one that created it. */
export type SockjsAccept = (transport: ClosableTransport, request: IncomingMessage) => SockjsSessionHandle;

export interface SockjsServerOptions extends SockjsSessionTimings {
  /** URL prefix, e.g. `/ws`. */
  prefix: string;
  /** Streaming responses end after this many bytes and the client reopens them. */
  responseLimitBytes?: number;
  /** Largest xhr_send body accepted. */
  sendBodyLimitBytes?: number;
}

const SEGMENT = /^[^/.]+$/;
const RECEIVERS: Record<string, { kind: HttpReceiverKind; method: 'GET' | 'POST'; contentType: string }> = {
  xhr_streaming: { kind: 'xhr-streaming', method: 'POST', contentType: 'application/javascript; charset=UTF-8' },
  xhr: { kind: 'xhr-polling', method: 'POST', contentType: 'application/javascript; charset=UTF-8' },
  eventsource: { kind: 'eventsource', method: 'GET', contentType: 'text/event-stream; charset=UTF-8' },
};

/**
 * The SockJS server side written for this door: welcome, info, the websocket
 * transport, xhr-streaming, xhr-polling with xhr_send, eventsource, CORS. Legacy iframe, htmlfile
 * and JSONP transports answer 404.
 */
export class SockjsServer {
  private readonly sessions = new Map<string, SockjsSession>();
  private accepting = true;

  constructor(
    private readonly options: SockjsServerOptions,
    private readonly accept: SockjsAccept,
  ) {}

  /** True for `{prefix}/{server}/{session}/websocket`, the SockJS WebSocket upgrade. */
  matchesUpgrade(pathname: string): boolean {
    const parts = pathname.slice(this.options.prefix.length).split('/');
    return pathname.startsWith(this.options.prefix + '/') && parts.length === 4 && parts[3] === 'websocket' && SEGMENT.test(parts[1]!) && SEGMENT.test(parts[2]!);
  }

  /** Takes an upgraded SockJS WebSocket. */
  openWebSocket(socket: WebSocket, request: IncomingMessage): void {
    let handle: SockjsSessionHandle | null = null;
    const transport = new SockjsWebSocketTransport(
      socket,
      this.options.heartbeatMs,
      (message) => handle?.receive(message),
      () => handle?.transportClosed(),
    );
    handle = this.accept(transport, request);
  }

  /** New sessions are refused from now on; live ones are closed by their connections. */
  stopAccepting(): void {
    this.accepting = false;
  }

  /** Registers the HTTP routes on the Fastify instance. */
  routes = async (scope: FastifyInstance): Promise<void> => {
    const { prefix } = this.options;
    const hide = { schema: { hide: true }, logLevel: 'warn' as const };
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'string', bodyLimit: this.options.sendBodyLimitBytes ?? 1024 * 1024 }, (_request, body, done) => done(null, body));

    scope.get(prefix, hide, async (_request, reply) => reply.type('text/plain; charset=UTF-8').header('Cache-Control', `public, max-age=31536000`).send('Welcome to SockJS!\n'));
    scope.get(`${prefix}/info`, hide, async (request, reply) =>
      reply
        .headers(corsHeaders(request.raw))
        .header('Cache-Control', NO_CACHE)
        .type('application/json; charset=UTF-8')
        .send(JSON.stringify({ websocket: true, origins: ['*:*'], cookie_needed: false, entropy: randomInt(0, 2 ** 32 - 1) })),
    );
    scope.options(`${prefix}/info`, hide, async (request, reply) => reply.code(204).headers(preflightHeaders(request.raw, 'OPTIONS, GET')).send());

    for (const [suffix, receiver] of Object.entries(RECEIVERS)) {
      const path = `${prefix}/:server/:session/${suffix}`;
      scope.route({ method: receiver.method, url: path, ...hide, handler: (request, reply) => this.receive(request, reply, receiver.kind, receiver.contentType) });
      if (receiver.method === 'POST') scope.options(path, hide, async (request, reply) => reply.code(204).headers(preflightHeaders(request.raw, 'OPTIONS, POST')).send());
    }
    scope.post(`${prefix}/:server/:session/xhr_send`, hide, async (request, reply) => this.xhrSend(request, reply));
    scope.options(`${prefix}/:server/:session/xhr_send`, hide, async (request, reply) => reply.code(204).headers(preflightHeaders(request.raw, 'OPTIONS, POST')).send());
  };

  private receive(request: FastifyRequest, reply: FastifyReply, kind: HttpReceiverKind, contentType: string): void {
    const { server, session: id } = request.params as { server: string; session: string };
    if (!SEGMENT.test(server) || !SEGMENT.test(id)) {
      void reply.code(404).type('text/plain; charset=UTF-8').send('Not found');
      return;
    }
    let session = this.sessions.get(id);
    if (!session && !this.accepting) {
      void reply.code(503).type('text/plain; charset=UTF-8').send('Server shutting down');
      return;
    }
    reply.hijack();
    const response = reply.raw;
    response.writeHead(200, { ...corsHeaders(request.raw), 'Content-Type': contentType, 'Cache-Control': NO_CACHE });
    if (!session) session = this.createSession(id, kind, request.raw);
    const current = session;
    const receiver: HttpReceiver = new HttpReceiver(kind, response, this.options.responseLimitBytes ?? 128 * 1024, () => current.detach(receiver));
    current.attach(receiver);
  }

  private createSession(id: string, kind: HttpReceiverKind, request: IncomingMessage): SockjsSession {
    const session = new SockjsSession(id, kind, this.options, () => {
      if (this.sessions.get(id) === session) this.sessions.delete(id);
    });
    this.sessions.set(id, session);
    const handle = this.accept(session, request);
    session.onMessage((message) => handle.receive(message));
    session.onClose(() => handle.transportClosed());
    return session;
  }

  private xhrSend(request: FastifyRequest, reply: FastifyReply): FastifyReply {
    const { session: id } = request.params as { session: string };
    const session = this.sessions.get(id);
    const headers = { ...corsHeaders(request.raw), 'Cache-Control': NO_CACHE };
    if (!session || session.isClosed) return reply.code(404).headers(headers).type('text/plain; charset=UTF-8').send('Session not found');
    let messages: string[];
    try {
      messages = parseClientPayload(typeof request.body === 'string' ? request.body : '');
    } catch (error) {
      if (!(error instanceof SockjsPayloadError)) throw error;
      return reply.code(500).headers(headers).type('text/plain; charset=UTF-8').send(error.message);
    }
    session.deliver(messages);
    return reply.code(204).headers(headers).type('text/plain; charset=UTF-8').send();
  }
}
