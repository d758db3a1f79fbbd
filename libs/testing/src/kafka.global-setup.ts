/**
 * Vitest global setup of the `int` project: makes sure a real Kafka broker answers before any
 * integration test runs. With KAFKA_BROKERS set, that cluster is used as it is. Without it, the
 * local broker of deploy/kafka-local is started (first run: Kafka comes from Maven Central), and
 * stopped again at the end if this setup started it (KAFKA_LOCAL_KEEP=1 leaves it running).
 */
import type { TestProject } from 'vitest/node';
import { ensureLocalKafka, stopLocalKafka } from '@switchyard/kafka-local';
import { kafkaSettingsFromEnv } from '@switchyard/kafka';

declare module 'vitest' {
  export interface ProvidedContext {
    kafkaBrokers: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  if (process.env.KAFKA_BROKERS) {
    const settings = kafkaSettingsFromEnv();
    project.provide('kafkaBrokers', settings.brokers.join(','));
    return async () => undefined;
  }
  // The plain broker, also when KAFKA_LOCAL_SECURED is set for the kafka:* commands.
  const handle = await ensureLocalKafka({ secured: false });
  project.provide('kafkaBrokers', handle.bootstrap);
  return async () => {
    if (handle.started && process.env.KAFKA_LOCAL_KEEP !== '1') await stopLocalKafka(handle.options);
  };
}
