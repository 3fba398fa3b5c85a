import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Most files wait on databases, child processes and browsers rather than
    // the CPU: three at once keep a 2-core machine busy without crowding it.
    maxWorkers: 3,
    globalSetup: ['test/support/global-setup.ts'],
  },
});
