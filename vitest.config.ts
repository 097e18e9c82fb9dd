import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

export default defineConfig({
  test: {
    // Two cores: more parallel files only add contention with PostgreSQL and the servers under test.
    maxWorkers: 2,
    projects: [
      {
        resolve: {
          // Tests run against the TypeScript sources of our packages, not their build output.
          alias: { '@parley/protocol': here('./packages/protocol/src/index.ts') },
        },
        test: {
          name: 'server',
          root: here('.'),
          include: ['packages/protocol/src/**/*.test.ts', 'apps/server/src/**/*.test.ts', 'apps/server/test/**/*.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
          pool: 'forks',
        },
      },
      'packages/sdk/vitest.config.ts',
      'apps/web/vitest.config.ts',
    ],
  },
});
