import type { FastifyReply, FastifyRequest } from 'fastify';
import { LongPollingTransport } from './long-polling-transport.js';
import { authenticateRequest } from './negotiate.js';
import { queryOf } from '../request-query.js';
import { corsHeaders } from './cors-headers.js';
import type { SignalRRuntime } from './signalr-runtime.js';
import { ServerSentEventsTransport } from './sse-transport.js';

const text = (reply: FastifyReply, request: FastifyRequest, status: number, body: string) =>
  reply.code(status).headers(corsHeaders(request.headers)).type('text/plain; charset=utf-8').send(body);

/** Common checks of GET/POST/DELETE: an `id`, a valid access token of the connection's user. */
async function resolve(runtime: SignalRRuntime, request: FastifyRequest, reply: FastifyReply) {
  const id = queryOf(request.url).get('id');
  if (!id) {
    await text(reply, request, 400, 'Connection ID required');
    return null;
  }
  const identity = await authenticateRequest(runtime, request, reply);
  if (!identity) return null;
  const found = runtime.lookup(id);
  if (found.kind === 'unknown') {
    await text(reply, request, 404, 'No Connection with that ID');
    return null;
  }
  const userId = found.kind === 'new' ? found.claims.userId : found.entry.connection.userId;
  if (userId !== identity.userId) {
    await text(reply, request, 403, 'The connection belongs to another user');
    return null;
  }
  return { identity, found };
}

/**
 * `GET /hubs/chat?id=`: opens a Server-Sent Events stream (`Accept: text/event-stream`) or a
 * long-polling connection (its first poll answers at once), or is the next poll.
 */
export async function getTransport(runtime: SignalRRuntime, request: FastifyRequest, reply: FastifyReply): Promise<void> {
  const resolved = await resolve(runtime, request, reply);
  if (!resolved) return;
  const { found, identity } = resolved;
  if (found.kind === 'known') {
    const { transport } = found.entry;
    if (!(transport instanceof LongPollingTransport)) {
      await text(reply, request, found.entry.live ? 409 : 404, found.entry.live ? 'The connection already has a transport' : 'No Connection with that ID');
      return;
    }
    reply.hijack();
    for (const [name, value] of Object.entries(corsHeaders(request.headers))) reply.raw.setHeader(name, value);
    transport.poll(reply.raw);
    return;
  }
  const options = runtime.deps.options;
  if ((request.headers.accept ?? '').includes('text/event-stream')) {
    reply.hijack();
    for (const [name, value] of Object.entries(corsHeaders(request.headers))) reply.raw.setHeader(name, value);
    runtime.open(found.claims, identity, (connection) => {
      const transport: ServerSentEventsTransport = new ServerSentEventsTransport(reply.raw, {
        onData: (data) => connection.receive(data),
        onGone: (graceful) => connection.transportGone(transport, graceful),
      });
      return transport;
    });
    return;
  }
  runtime.open(found.claims, identity, (connection) => {
    const transport: LongPollingTransport = new LongPollingTransport(
      { onData: (data) => connection.receive(data), onGone: (graceful) => connection.transportGone(transport, graceful) },
      { pollTimeoutMs: options.longPollTimeoutMs, idleMs: options.longPollIdleMs },
    );
    return transport;
  });
  await text(reply, request, 200, '');
}

/** `POST /hubs/chat?id=`: one or more records for an SSE or long-polling connection. */
export async function postToTransport(runtime: SignalRRuntime, request: FastifyRequest, reply: FastifyReply): Promise<void> {
  const resolved = await resolve(runtime, request, reply);
  if (!resolved) return;
  const { found } = resolved;
  if (found.kind !== 'known' || !found.entry.live || found.entry.connection.isClosed) {
    await text(reply, request, 404, 'No Connection with that ID');
    return;
  }
  const { connection, transport } = found.entry;
  if (transport.name === 'WebSockets') {
    await text(reply, request, 405, 'POST requests are not allowed for WebSocket connections.');
    return;
  }
  if (runtime.posting.has(connection.id)) {
    await text(reply, request, 409, 'Another POST is in progress for this connection.');
    return;
  }
  runtime.posting.add(connection.id);
  try {
    const body = await readBody(request, runtime.deps.options.maxTransportMessageBytes);
    if (body === null) {
      await text(reply, request, 413, 'Payload too large');
      return;
    }
    connection.receive(body);
    await text(reply, request, 200, '');
  } finally {
    runtime.posting.delete(connection.id);
  }
}

/** `DELETE /hubs/chat?id=`: the long-polling client stopped; its pending poll gets 204. */
export async function deleteTransport(runtime: SignalRRuntime, request: FastifyRequest, reply: FastifyReply): Promise<void> {
  const resolved = await resolve(runtime, request, reply);
  if (!resolved) return;
  const { found } = resolved;
  if (found.kind !== 'known' || !found.entry.live) {
    await text(reply, request, 404, 'No Connection with that ID');
    return;
  }
  const { connection, transport } = found.entry;
  if (!(transport instanceof LongPollingTransport)) {
    await text(reply, request, 400, 'Cannot terminate this connection using the DELETE endpoint.');
    return;
  }
  transport.end();
  connection.transportGone(transport, true);
  await text(reply, request, 202, '');
}

async function readBody(request: FastifyRequest, limit: number): Promise<string | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request.raw) {
    size += (chunk as Buffer).length;
    if (size > limit) return null;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}
