import type { ServerResponse } from 'node:http';
import type { HubTransport, TransportEvents } from './hub-transport.js';

/** Server-Sent Events down (`data: <records>`), POSTs up; the response stays open for the connection's life. */
export class ServerSentEventsTransport implements HubTransport {
  readonly name = 'ServerSentEvents';
  readonly inherentKeepAlive = false;

  constructor(
    private readonly response: ServerResponse,
    events: TransportEvents,
  ) {
    response.writeHead(200, {
      'content-type': 'text/event-stream',
      'cache-control': 'no-cache',
      'x-accel-buffering': 'no',
      connection: 'keep-alive',
    });
    // Flush the headers at once so the client's EventSource opens.
    response.write(':\r\n');
    response.on('close', () => events.onGone(false));
  }

  send(data: string): void {
    if (!this.response.writableEnded) this.response.write(`data: ${data}\r\n\r\n`);
  }

  bufferedBytes(): number {
    return this.response.writableLength;
  }

  end(): void {
    this.response.end();
  }

  abort(): void {
    this.response.destroy();
  }
}
