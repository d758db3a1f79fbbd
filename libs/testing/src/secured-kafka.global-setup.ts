/**
 * Vitest global setup of the `int` project for the secured broker (SCRAM-SHA-512 over TLS, mutual
 * TLS). It starts nothing: test files that need the broker start it on first use with
 * `testSecuredKafka()`, so runs without such a file pay nothing. After the run it stops the local
 * secured broker if it was down before the run and is up now (KAFKA_LOCAL_KEEP=1 leaves it
 * running); an external one (KAFKA_SECURED_SCRAM_ENV / KAFKA_SECURED_MTLS_ENV) is never touched.
 */
import { localKafkaStatus, stopLocalKafka } from '@switchyard/kafka-local';
import { externalSecuredKafkaGiven, testSecuredKafkaOptions } from './secured-kafka.js';

export default async function setup(): Promise<() => Promise<void>> {
  if (externalSecuredKafkaGiven()) return async () => undefined;
  const options = testSecuredKafkaOptions();
  const wasRunning = (await localKafkaStatus(options)).nodes.some((node) => node.pid);
  return async () => {
    if (wasRunning || process.env.KAFKA_LOCAL_KEEP === '1') return;
    if ((await localKafkaStatus(options)).nodes.some((node) => node.pid)) await stopLocalKafka(options);
  };
}
