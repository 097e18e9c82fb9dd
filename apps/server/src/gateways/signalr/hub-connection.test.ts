import { afterEach, describe, expect, it, vi } from 'vitest';
import type { DeliveryEvent } from '../../domain/delivery-event.js';
import { Metrics } from '../../metrics.js';
import { SessionRegistry } from '../../services/session-registry.js';
import { HubConnection } from './hub-connection.js';
import { RS } from './hub-records.js';
import type { HubTransport } from './hub-transport.js';
import { resolveSignalROptions } from './signalr-options.js';

class FakeTransport implements HubTransport {
  readonly name = 'WebSockets';
  readonly inherentKeepAlive = false;
  sent: string[] = [];
  ended = false;
  buffered = 0;
  bufferedBytes(): number {
    return this.buffered;
  }
  send(data: string) {
    this.sent.push(data);
  }
  end() {
    this.ended = true;
  }
  abort() {
    this.ended = true;
  }
  records() {
    return this.sent.flatMap((s) => s.split(RS).filter(Boolean)).map((r) => JSON.parse(r));
  }
}

const silent = { debug() {}, error() {}, info() {}, warn() {} } as never;

function open(maxBufferedBytes = 1024, options: Record<string, number> = {}, accessExpiresAt?: number) {
  const registry = new SessionRegistry();
  const transport = new FakeTransport();
  const connection = new HubConnection({
    userId: 7,
    connectionId: 'c-1234567890abcdef',
    statefulRequested: false,
    accessExpiresAt,
    methods: new Map(),
    options: resolveSignalROptions({ maxBufferedBytes, ...options }),
    registry,
    metrics: new Metrics({ connections: () => [] }),
    logger: silent,
    onDisposed: () => {},
  });
  connection.attach(transport);
  connection.receive(`{"protocol":"json","version":1}${RS}`);
  return { registry, transport, connection };
}

const typing: DeliveryEvent = { kind: 'typing', body: { conversationId: 3, userId: 9, typing: true }, recipients: [{ userId: 7, userSeq: null }] };

describe('HubConnection', () => {
  it('pushes events as invocations without id after the handshake', () => {
    const { transport, connection, registry } = open();
    connection.push(typing, typing.recipients[0]!);
    expect(transport.records()).toEqual([{}, { type: 1, target: 'UserTyping', arguments: [{ sessionId: 3, userId: 9, isTyping: true }] }]);
    expect(registry.sessionsOf(7).size).toBe(1);
  });

  it('closes with a reconnect hint when the client stops reading (backpressure) and on shutdown', async () => {
    const slow = open();
    slow.transport.buffered = 4096;
    slow.connection.push(typing, typing.recipients[0]!);
    expect(slow.transport.records().at(-1)).toEqual({ type: 7, allowReconnect: true });
    expect(slow.transport.ended).toBe(true);
    expect(slow.connection.isClosed).toBe(true);
    await Promise.resolve();
    expect(slow.registry.sessionsOf(7).size).toBe(0);

    const drained = open();
    drained.connection.close('shutdown');
    expect(drained.transport.records().at(-1)).toEqual({ type: 7, allowReconnect: true });
    drained.connection.push(typing, typing.recipients[0]!);
    expect(drained.transport.records().at(-1)).toEqual({ type: 7, allowReconnect: true });
  });
});

describe('HubConnection checks on the shared interval', () => {
  // A keep-alive interval of their own gives these tests a check period, and so a shared timer, of their own.
  const timers = { keepAliveIntervalMs: 1600, clientTimeoutMs: 4000 };
  afterEach(() => {
    vi.useRealTimers();
  });

  it('pings after a keep-alive interval without output, and not while output flows', () => {
    vi.useFakeTimers({ now: 1_000_000 });
    const { transport, connection } = open(1024, timers);
    vi.advanceTimersByTime(1200);
    connection.push(typing, typing.recipients[0]!);
    vi.advanceTimersByTime(1200);
    expect(transport.records().filter((r) => r.type === 6)).toHaveLength(0);
    vi.advanceTimersByTime(800);
    expect(transport.records().filter((r) => r.type === 6)).toHaveLength(1);
    connection.close('shutdown');
  });

  it('closes a client that pinged once and then went silent for its client timeout', () => {
    vi.useFakeTimers({ now: 1_000_000 });
    const { transport, connection } = open(1024, timers);
    connection.receive(`{"type":6}${RS}`);
    vi.advanceTimersByTime(3200);
    connection.receive(`{"type":6}${RS}`);
    vi.advanceTimersByTime(3200);
    expect(connection.isClosed).toBe(false);
    vi.advanceTimersByTime(1600);
    expect(connection.isClosed).toBe(true);
    expect(transport.records().at(-1)).toEqual({ type: 7, allowReconnect: true, error: 'Server timeout elapsed without receiving a message from the client.' });
  });

  it('closes with a reconnect hint within a check period of the access token expiring', () => {
    vi.useFakeTimers({ now: 1_000_000 });
    const { transport, connection, registry } = open(1024, timers, (Date.now() + 30_000) / 1000);
    vi.advanceTimersByTime(29_000);
    expect(connection.isClosed).toBe(false);
    vi.advanceTimersByTime(2000);
    expect(connection.isClosed).toBe(true);
    expect(transport.records().at(-1)).toMatchObject({ type: 7, allowReconnect: true, error: expect.stringMatching(/expired/) });
    expect(registry.sessionsOf(7).size).toBe(0);
  });
});
