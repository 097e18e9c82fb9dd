import { SignalRUser } from '../../support/signalr-client.js';
import type { TestServer } from '../../support/test-app.js';
import { connectFrame, ServerFrameReader, type ServerFrame } from './stomp-inputs.js';
import { WatchedSocket } from './watched-socket.js';

/**
 * Well-behaved users who stay connected while a fuzzer hammers the same server, and prove
 * afterwards that chatting still works: one sends, the other receives. `chat()` throws if not.
 */
export interface Witness extends AsyncDisposable {
  chat(): Promise<void>;
}

let serial = 0;
const uniqueText = (door: string) => `still chatting over ${door} #${++serial} ${Date.now()}`;

async function stompUser(server: TestServer, token: string): Promise<WatchedSocket<ServerFrame>> {
  const reader = new ServerFrameReader();
  const socket = await WatchedSocket.open<ServerFrame>(`${server.wsUrl}/ws`, (data, items) => reader.push(data.toString('utf8'), items), ['v12.stomp']);
  socket.send(connectFrame(token));
  socket.send('SUBSCRIBE\nid:m\ndestination:/user/queue/messages\nreceipt:ready\n\n\0');
  if (!(await socket.until(() => socket.items.some((f) => f.command === 'RECEIPT' && f.headers['receipt-id'] === 'ready'), 10_000))) {
    throw new Error('a well-behaved STOMP user could not connect and subscribe');
  }
  return socket;
}

/** Two STOMP users on raw WebSockets; the sender waits for its RECEIPT, the receiver for the MESSAGE. */
export async function stompWitness(server: TestServer, senderId: number, receiverId: number): Promise<Witness> {
  const sender = await stompUser(server, await server.token(senderId));
  const receiver = await stompUser(server, await server.token(receiverId));
  return {
    async chat() {
      const content = uniqueText('STOMP');
      const receipt = `w-${serial}`;
      const body = JSON.stringify({ receiverId, messageType: 'TEXT', content, clientMsgId: receipt });
      sender.send(`SEND\ndestination:/app/chat.send\ncontent-type:application/json\nreceipt:${receipt}\n\n${body}\0`);
      if (!(await sender.until(() => sender.items.some((f) => f.command === 'RECEIPT' && f.headers['receipt-id'] === receipt), 10_000))) {
        throw new Error(`the well-behaved STOMP sender got no RECEIPT (closed: ${sender.closeCode})`);
      }
      if (!(await receiver.until(() => receiver.items.some((f) => f.command === 'MESSAGE' && f.body.includes(content)), 10_000))) {
        throw new Error(`the well-behaved STOMP receiver did not get the message (closed: ${receiver.closeCode})`);
      }
    },
    async [Symbol.asyncDispose]() {
      await sender[Symbol.asyncDispose]();
      await receiver[Symbol.asyncDispose]();
    },
  };
}

/** Two official @microsoft/signalr clients over WebSockets. */
export async function signalrWitness(server: TestServer, senderId: number, receiverId: number): Promise<Witness> {
  const sender = await SignalRUser.start(server.url, await server.token(senderId));
  const receiver = await SignalRUser.start(server.url, await server.token(receiverId));
  return {
    async chat() {
      const content = uniqueText('SignalR');
      await sender.invoke('SendMessage', { tempId: `w-${serial}`, receiverId, messageType: 1, content });
      await receiver.next('ReceiveMessage', (m) => m.content === content);
    },
    async [Symbol.asyncDispose]() {
      await sender[Symbol.asyncDispose]();
      await receiver[Symbol.asyncDispose]();
    },
  };
}

/** Two REST users: one sends, the other finds it in its history. */
export async function restWitness(server: TestServer, senderId: number, receiverId: number): Promise<Witness> {
  const sender = await server.token(senderId);
  const receiver = await server.token(receiverId);
  return {
    async chat() {
      const content = uniqueText('REST');
      const sent = await server.api(sender, 'POST', '/messages', { receiverId, messageType: 'TEXT', content, clientMsgId: `w-${serial}` });
      if (sent.status !== 200 && sent.status !== 201) throw new Error(`the well-behaved REST sender got ${sent.status} ${JSON.stringify(sent.body)}`);
      const history = await server.api(receiver, 'GET', `/messages/history/${senderId}?limit=100`);
      if (!JSON.stringify(history.body).includes(content)) throw new Error(`the well-behaved REST receiver did not find the message: ${history.status}`);
    },
    async [Symbol.asyncDispose]() {},
  };
}
