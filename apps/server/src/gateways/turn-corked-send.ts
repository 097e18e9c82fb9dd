import type { Socket } from 'node:net';
import type { WebSocket } from 'ws';

/** TCP sockets corked during this turn, uncorked together when it ends. */
const corked = new Set<Socket>();
let flushScheduled = false;

function uncorkAll(): void {
  flushScheduled = false;
  for (const tcp of corked) tcp.uncork();
  corked.clear();
}

/**
 * Sends a text message, gathering every message written to the same WebSocket during the current
 * turn into one socket write. A send's MESSAGE to the receiver, its echo and RECEIPT to the
 * sender, and every push of a batch reach a socket within one turn; written one by one they cost
 * one system call each (the largest single item in the server's profile). The first write of a
 * turn corks the TCP socket, and one `nextTick` for all sockets uncorks them once the turn's
 * callbacks and promise continuations have run, so Node flushes each socket with one `writev`.
 * Order is kept; nothing waits past the end of the turn; no state is kept per connection.
 */
export function turnCorkedSend(socket: WebSocket, text: string): void {
  // The TCP socket under `ws`: not in its typed API, but the same field across ws 7 and 8.
  const tcp = (socket as unknown as { _socket?: Socket })._socket;
  if (tcp && !tcp.destroyed && !corked.has(tcp)) {
    tcp.cork();
    corked.add(tcp);
    if (!flushScheduled) {
      flushScheduled = true;
      process.nextTick(uncorkAll);
    }
  }
  socket.send(text);
}
