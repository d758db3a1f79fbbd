import { defineConfig } from 'vitest/config';

/**
 * Two tiers (STYLE.md #11):
 *  - `unit`: `*.test.ts`, need nothing but Node.
 *  - `int`: `*.int.test.ts`, talk to a real Kafka broker. The global setup starts the local
 *    broker from deploy/kafka-local when KAFKA_BROKERS is unset, so `npm test` just works.
 */
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['{libs,services,deploy}/**/*.test.ts'],
          exclude: ['**/*.int.test.ts', '**/node_modules/**'],
        },
      },
      {
        test: {
          name: 'int',
          include: ['{libs,services,deploy}/**/*.int.test.ts'],
          exclude: ['**/node_modules/**'],
          // The secured broker's setup only stops it after the run if a test file started it.
          globalSetup: ['./libs/testing/src/kafka.global-setup.ts', './libs/testing/src/secured-kafka.global-setup.ts'],
          testTimeout: 120_000,
          hookTimeout: 180_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
