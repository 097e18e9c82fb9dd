import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

export default defineConfig({
  root: here('.'),
  resolve: {
    alias: {
      '@parley/protocol': here('../protocol/src/index.ts'),
      '@parley/sdk': here('./src/index.ts'),
    },
  },
  test: {
    name: 'sdk',
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 60_000,
    // Above ServerProcess.start's own 90 s deadline, so a slow start on a busy machine reports its cause.
    hookTimeout: 120_000,
  },
});
