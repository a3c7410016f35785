import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts', 'web/src/**/*.test.{ts,tsx}'],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    // Suites start real servers (PostgreSQL, Redis, engines, Chromium); on 2 cores fewer workers is faster.
    maxWorkers: 2,
    globalSetup: ['test/support/global-setup.ts'],
  },
});
