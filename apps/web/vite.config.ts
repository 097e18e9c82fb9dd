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
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022', sourcemap: true },
  server: {
    proxy: {
      ...Object.fromEntries(apiPaths.map((p) => [p, { target: apiTarget, changeOrigin: true }])),
      '/ws': { target: apiTarget, ws: true, changeOrigin: true },
    },
  },
});
