import { defineConfig } from 'vitest/config';

/**
 * End-to-end suite (issue 5): real app server processes, real Chromium through playwright-core.
 * Run: `npx vitest run --config tests/e2e/vitest.config.ts`. One file at a time: the machine has two
 * cores and each file starts its own server and browser.
 */
export default defineConfig({
  test: {
    root: import.meta.dirname,
    include: ['**/*.e2e.test.ts'],
    globalSetup: ['./harness/web-build.ts'],
    testTimeout: 90_000,
    hookTimeout: 120_000,
    pool: 'forks',
    fileParallelism: false,
  },
});
