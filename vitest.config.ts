import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    // The e2e suites start fake platform servers; keep files isolated but parallel on 2 cores.
    pool: 'forks',
    testTimeout: 20_000,
    hookTimeout: 20_000,
  },
});
