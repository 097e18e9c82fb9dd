import { fileURLToPath } from 'node:url';
import vue from '@vitejs/plugin-vue';
import { defineConfig } from 'vitest/config';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

/** Unit tests (stores, components) run in happy-dom; `e2e/*.e2e.test.ts` drive Chromium against a real server. */
export default defineConfig({
  root: here('.'),
  plugins: [vue()],
  resolve: {
    alias: {
      '@parley/protocol': here('../../packages/protocol/src/index.ts'),
      '@parley/sdk': here('../../packages/sdk/src/index.ts'),
    },
  },
  test: {
    name: 'web',
    include: ['src/**/*.test.ts', 'test/**/*.test.ts', 'e2e/**/*.e2e.test.ts'],
    environment: 'happy-dom',
    testTimeout: 120_000,
    hookTimeout: 180_000,
  },
});
