import { onTestFinished } from 'vitest';
import { throwawayConsumer, type IncomingRecord, type KafkaClient } from '@switchyard/kafka';
import { uniqueName } from './test-kafka.js';

/** A live list of every record of some topics, read from the beginning by a throwaway group (deleted on stop). */
export interface TopicCollector {
  readonly records: IncomingRecord[];
  /** Records whose header `name` equals `value`. */
  withHeader(name: string, value: string): IncomingRecord[];
  stop(): Promise<void>;
}

/**
 * Starts reading `topics` from the beginning (read_committed) and keeps every record in
 * `records`; stops when the current test finishes. Use with `vi.waitFor` to poll for a condition.
 */
export async function collectTopics(client: KafkaClient, topics: readonly string[]): Promise<TopicCollector> {
  const records: IncomingRecord[] = [];
  const consumer = throwawayConsumer(client, { groupId: uniqueName('collector'), maxWaitTimeMs: 200 });
  await consumer.connect();
  await consumer.subscribe(topics, { fromBeginning: true });
  await consumer.run({ partitionsConsumedConcurrently: 4, eachBatch: async (batch) => void records.push(...batch.records) });
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await consumer.disconnect();
  };
  onTestFinished(stop);
  return {
    records,
    withHeader: (name, value) => records.filter((r) => r.headers[name]?.toString() === value),
    stop,
  };
}
