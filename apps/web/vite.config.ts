import { fileURLToPath } from 'node:url';
import vue from '@vitejs/plugin-vue';
import { defineConfig } from 'vite';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));
/** Where `npm run dev` forwards API and socket calls (a server started with `npm start`). */
const apiTarget = process.env.PARLEY_DEV_API ?? 'http://127.0.0.1:8080';
const apiPaths = ['/auth', '/config.json', '/messages', '/users', '/blocks', '/media', '/sync', '/healthz'];

export default defineConfig({
  root: here('.'),
  base: '/',
  plugins: [vue()],
  resolve: {
    alias: {
      '@parley/protocol': here('../../packages/protocol/src/index.ts'),
      '@parley/sdk': here('../../packages/sdk/src/index.ts'),
    },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: true,
    // Two pages, two bundles: the admin console (admin.html, served at /admin) shares no code path
    // with the chat client, so a user's page never loads the console and the console never loads the SDK.
    rollupOptions: { input: { main: here('index.html'), admin: here('admin.html') } },
  },
  server: {
    proxy: {
      ...Object.fromEntries(apiPaths.map((p) => [p, { target: apiTarget, changeOrigin: true }])),
      '/ws': { target: apiTarget, ws: true, changeOrigin: true },
      // The console's API, but not its page: open /admin.html on the dev server.
      '^/admin/': { target: apiTarget, changeOrigin: true },
    },
  },
});
