/**
 * A server under test in its own process (so the load generator does not share its event
 * loop): `parley` (the real app, STOMP door) or `raw` (the forwarder). Reports its URL over IPC
 * and stops on the message "stop".
 */
import { buildApp } from '../apps/server/src/app.js';
import { loadConfig } from '../apps/server/src/config.js';
import { startRawForwarder } from './raw-forwarder.js';

const mode = process.argv[2];
if (mode === 'raw') {
  const forwarder = await startRawForwarder();
  process.send!({ url: `http://127.0.0.1:${forwarder.port}` });
  process.on('message', async () => {
    await forwarder.close();
    process.exit(0);
  });
} else {
  const app = await buildApp(loadConfig({ ...process.env, PORT: '0', HOST: '127.0.0.1' }), { logger: false });
  const url = await app.listen();
  process.send!({ url });
  process.on('message', async () => {
    await app.shutdown();
    process.exit(0);
  });
}
