import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    testTimeout: 20_000,
    hookTimeout: 60_000,
    reporters: ['default', './test/helpers/summary-reporter.ts'],
    projects: [
      // Everything on Node: route, domain, integration, browser, race and contract tests.
      { extends: true, test: { name: 'node', include: ['test/**/*.test.{ts,tsx}'], exclude: ['test/workerd/**'] } },
      // Unit tests inside workerd, with a D1 of their own (vitest-pool-workers).
      './vitest.workerd.config.ts',
    ],
  },
});
