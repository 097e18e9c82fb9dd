import { describe, expect, it } from 'vitest';
import { startTestServer } from './support/test-app.js';

describe('REST door smoke', () => {
  it('sends a message and reads it back through history', async () => {
    await using server = await startTestServer();
    const alice = await server.token(7, 'Alice');
    await server.token(9, 'Bob');
    const sent = await server.api(alice, 'POST', '/messages', { receiverId: 9, messageType: 'TEXT', content: 'hi', clientMsgId: 'c1' });
    expect(sent.status).toBe(201);
    const history = await server.api(alice, 'GET', '/messages/history/9');
    expect(history.body.items.map((m: { content: string }) => m.content)).toEqual(['hi']);
  });
});
