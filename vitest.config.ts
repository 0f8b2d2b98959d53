import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 120_000,
    reporters: ['default'],
    // How long expect.poll waits for a condition (a page's rows, a receipt) before failing: generous, because the
    // CI machine is shared and a page's first fetch can take seconds under load. A bound, not a timing assertion.
    expect: { poll: { timeout: 15_000 } },
  },
});
