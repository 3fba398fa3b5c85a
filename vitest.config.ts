import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // A worker keeps the modules it loaded from one file to the next: loading
    // the service's modules anew for every file took a third of the suite's
    // time. Tests restore what they change (environment, spies) themselves.
    isolate: false,
    // Most files wait on databases, child processes and browsers rather than
    // the CPU: three at once keep a 2-core machine busy without crowding it.
    maxWorkers: 3,
    globalSetup: ['test/support/global-setup.ts'],
  },
});
