import { defineConfig } from 'vitest/config';

// One run for the whole monorepo: one PostgreSQL template and one closing summary line.
export default defineConfig({
  test: {
    include: ['packages/*/src/**/*.test.ts', 'packages/*/test/**/*.test.ts', 'apps/*/src/**/*.test.ts', 'apps/*/test/**/*.test.ts'],
    globalSetup: ['packages/testing/src/global-setup.ts'],
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // expect.poll waits 1 s by default: too short for a browser reload on a loaded 2-core CI
    // machine, where the console's drafts once came back after it had given up.
    expect: { poll: { timeout: 10_000 } },
    reporters: ['default'],
  },
});
