import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SignalRUser } from '../support/signalr-client.js';
import { startTestServer, type TestServer } from '../support/test-app.js';

/** JoinGroup / LeaveGroup, which group-based hub clients call: pushes stay per user, so they only check participation. */
let server: TestServer;
let nextUser = 7300;
const user = async () => {
  const id = nextUser++;
  return { id, token: await server.token(id, `j${id}`) };
};

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server?.app.shutdown();
});

describe('SignalR JoinGroup / LeaveGroup', () => {
  it('acknowledge a participant with no result, and pushes keep reaching the user after leaving', async () => {
    const [alice, bob] = [await user(), await user()];
    const sent = await server.api(alice.token, 'POST', '/messages', { receiverId: bob.id, messageType: 'TEXT', content: 'hello', clientMsgId: 'g-1' });
    const conversationId = sent.body.conversationId as number;
    await using b = await SignalRUser.start(server.url, bob.token);
    expect(await b.invoke('JoinGroup', conversationId)).toBeUndefined();
    expect(await b.invoke('leavegroup', conversationId)).toBeUndefined();
    await server.api(alice.token, 'POST', '/messages', { receiverId: bob.id, messageType: 'TEXT', content: 'still here', clientMsgId: 'g-2' });
    expect(await b.next('ReceiveMessage', (m) => m.content === 'still here')).toMatchObject({ sessionId: conversationId });
  });

  it('refuse a stranger with FORBIDDEN, an unknown conversation with CONVERSATION_NOT_FOUND, and a bad argument', async () => {
    const [alice, bob, carol] = [await user(), await user(), await user()];
    const sent = await server.api(alice.token, 'POST', '/messages', { receiverId: bob.id, messageType: 'TEXT', content: 'private', clientMsgId: 'g-3' });
    await using c = await SignalRUser.start(server.url, carol.token);
    await expect(c.invoke('JoinGroup', sent.body.conversationId)).rejects.toThrow(/FORBIDDEN: /);
    await expect(c.invoke('LeaveGroup', 99_999_999)).rejects.toThrow(/CONVERSATION_NOT_FOUND: /);
    await expect(c.invoke('JoinGroup')).rejects.toThrow('VALIDATION_FAILED: JoinGroup takes 1 argument, got 0');
    await expect(c.invoke('JoinGroup', 'abc')).rejects.toThrow(/VALIDATION_FAILED: sessionId/);
  });
});
