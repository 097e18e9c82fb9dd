/**
 * The baseline for `npm run bench`: a minimal WebSocket forwarder with no auth, no storage and
 * no STOMP state. It reads the same SEND frames the STOMP clients write, and pushes a MESSAGE
 * frame with the payload to the receiver's and the sender's sockets, as Parley does.
 */
import { WebSocketServer, type WebSocket } from 'ws';

export interface RawForwarder {
  port: number;
  close(): Promise<void>;
}

export async function startRawForwarder(): Promise<RawForwarder> {
  const sockets = new Map<number, WebSocket>();
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1', perMessageDeflate: false, handleProtocols: (offered) => [...offered][0] ?? false });
  let nextId = 0;
  wss.on('connection', (socket, request) => {
    const userId = Number(new URL(request.url ?? '/', 'http://x').searchParams.get('user'));
    sockets.set(userId, socket);
    socket.on('close', () => sockets.get(userId) === socket && sockets.delete(userId));
    socket.on('message', (data: Buffer) => {
      const text = data.toString('utf8');
      if (!text.startsWith('SEND')) return;
      const body = JSON.parse(text.slice(text.indexOf('\n\n') + 2, text.lastIndexOf('\0'))) as { receiverId: number };
      const json = JSON.stringify({ id: ++nextId, senderId: userId, ...body });
      const frame = `MESSAGE\ndestination:/user/queue/messages\nsubscription:sub-0\nmessage-id:${nextId}\ncontent-length:${Buffer.byteLength(json)}\n\n${json}\0`;
      sockets.get(body.receiverId)?.send(frame);
      socket.send(frame);
    });
  });
  await new Promise((resolve) => wss.once('listening', resolve));
  const address = wss.address();
  if (!address || typeof address === 'string') throw new Error('no TCP address');
  return { port: address.port, close: () => new Promise((resolve) => wss.close(() => resolve())) };
}
