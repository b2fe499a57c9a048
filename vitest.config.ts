import { defineConfig } from 'vitest/config';

// One Vitest run covers every package. Each package's tests live in `<package>/test/*.test.ts`.
// Suites that need PostgreSQL or Redis read DATABASE_URL / REDIS_URL and announce loudly when they skip
// (outside CI only; in CI the variables are always set).
export default defineConfig({
  test: {
    include: ['packages/*/test/**/*.test.ts', 'packages/*/test/**/*.test.tsx', 'apps/*/test/**/*.test.ts', 'tests/integration/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    reporters: process.env.CI ? ['default', 'json'] : ['default'],
    outputFile: { json: 'test-results/vitest.json' },
  },
});
