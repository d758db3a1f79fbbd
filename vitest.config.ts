import { defineConfig } from 'vitest/config';

/**
 * Two tiers (STYLE.md #11):
 *  - `unit`: `*.test.ts`, need nothing but Node.
 *  - `int`: `*.int.test.ts`, talk to a real Kafka broker. The global setup starts the local
 *    broker from deploy/kafka-local when KAFKA_BROKERS is unset, so `npm test` just works.
 *  - `fault`: `*.fault.test.ts`, start brokers of their own and inject faults (`npm run test:fault`).
 */
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['{libs,services,deploy}/**/*.test.ts'],
          exclude: ['**/*.int.test.ts', '**/*.fault.test.ts', '**/node_modules/**'],
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
          // One process for all int files, one after another: each file no longer pays the import
          // of the Kafka client (~1 s: its option validators compile at import) and the libs. Tests
          // own their names (uniqueName) and close what they open; metrics use per-instance
          // registries. Measured: import 25.7 s -> 3.8 s on 13 files; the whole int project passed.
          isolate: false,
        },
      },
      {
        // The fault suite (issue 11): each file starts brokers of its own (deploy/kafka-local) and
        // breaks them or the network between them and the clients; `npm test` runs it too,
        // `npm run test:fault` runs only it.
        test: {
          name: 'fault',
          include: ['{libs,services,deploy}/**/*.fault.test.ts'],
          exclude: ['**/node_modules/**'],
          testTimeout: 300_000,
          hookTimeout: 180_000,
          fileParallelism: false,
          // After unit and int (group 0): its brokers never compete with the int suite's tests.
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
