/**
 * A server under test in its own process (so the load generator does not share its event
 * loop): `parley` (the real app), `raw` (the ws forwarder) or `socketio` (the Socket.IO relay).
 * Reports its URL over IPC; answers "rss" with its resident set size after a full collection
 * (when started with --expose-gc), and stops on "stop".
 */
import { buildApp } from '../apps/server/src/app.js';
import { loadConfig } from '../apps/server/src/config.js';
import { startRawForwarder } from './raw-forwarder.js';
import { startSocketIoRelay } from './socketio-relay.js';

const mode = process.argv[2];
let stop: () => Promise<void>;
if (mode === 'raw' || mode === 'socketio') {
  const relay = mode === 'raw' ? await startRawForwarder() : await startSocketIoRelay();
  stop = relay.close;
  process.send!({ url: `http://127.0.0.1:${relay.port}` });
} else {
  const app = await buildApp(loadConfig({ ...process.env, PORT: '0', HOST: '127.0.0.1' }), { logger: false });
  stop = () => app.shutdown();
  process.send!({ url: await app.listen() });
}

// A bench that dies must not leave its servers behind.
process.on('disconnect', () => process.exit(0));
process.on('message', async (message) => {
  if (message === 'rss') {
    const collect = (globalThis as { gc?: () => void }).gc;
    for (let i = 0; i < 3 && collect; i++) {
      collect();
      await new Promise((resolve) => setImmediate(resolve));
    }
    process.send!({ rss: process.memoryUsage().rss });
    return;
  }
  await stop();
  process.exit(0);
});
