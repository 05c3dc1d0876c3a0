import { defineConfig } from 'vitest/config';

// `npm test` runs the fast project; the longest suites (storms, fuzzing at depth) are `*.slow.test.ts` in
// `npm run test:slow`. Both run in CI.
export default defineConfig({
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: 'fast',
          include: ['test/**/*.test.ts'],
          exclude: ['test/**/*.slow.test.ts', '**/node_modules/**'],
          // Integration files mostly wait (on DynamoDB Local, workers, the machine's steps): three at a time even
          // on two cores. Vitest's default there is one.
          maxWorkers: 3,
        },
      },
      { extends: true, test: { name: 'slow', include: ['test/**/*.slow.test.ts'] } },
    ],
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 180_000,
    reporters: ['default'],
  },
});
