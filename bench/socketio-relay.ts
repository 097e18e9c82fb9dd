/**
 * The second baseline of `npm run bench`: a Socket.IO 4 relay (WebSocket transport only) that
 * stores nothing. It carries the same SEND frames as the raw forwarder inside `m` events and
 * answers with the same MESSAGE frame to the receiver and the sender, so the only difference
 * from the raw forwarder is Socket.IO's framing, acknowledgement-free event dispatch and heartbeats.
 */
import { createServer } from 'node:http';
import { Server, type Socket } from 'socket.io';

export async function startSocketIoRelay(): Promise<{ port: number; close(): Promise<void> }> {
  const http = createServer();
  const io = new Server(http, { transports: ['websocket'], perMessageDeflate: false, serveClient: false });
  const sockets = new Map<number, Socket>();
  let nextId = 0;
  io.on('connection', (socket) => {
    const userId = Number(socket.handshake.query.user);
    sockets.set(userId, socket);
    socket.on('disconnect', () => sockets.get(userId) === socket && sockets.delete(userId));
    socket.on('m', (text: string) => {
      if (typeof text !== 'string' || !text.startsWith('SEND')) return;
      const body = JSON.parse(text.slice(text.indexOf('\n\n') + 2, text.lastIndexOf('\0'))) as { receiverId: number };
      const json = JSON.stringify({ id: ++nextId, senderId: userId, ...body });
      const frame = `MESSAGE\ndestination:/user/queue/messages\nsubscription:sub-0\nmessage-id:${nextId}\ncontent-length:${Buffer.byteLength(json)}\n\n${json}\0`;
      sockets.get(body.receiverId)?.emit('m', frame);
      socket.emit('m', frame);
    });
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const address = http.address();
  if (!address || typeof address === 'string') throw new Error('no TCP address');
  return { port: address.port, close: () => new Promise((resolve) => io.close(() => resolve())) };
}
