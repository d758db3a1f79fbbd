import { randomUUID } from 'node:crypto';
import { SwitchyardError } from '@switchyard/protocol';
import type { IncomingRecord, KafkaClient } from '@switchyard/kafka';

/**
 * Reads `topics` from their start to their end as of the call (read_committed) and hands every
 * record to `onRecord`. Uses a throwaway consumer group that never commits, so the scan leaves
 * no state behind. For operator lookups (event log, dead letters), not for hot paths.
 */
export async function scanTopics(client: KafkaClient, topics: readonly string[], onRecord: (record: IncomingRecord) => void, timeoutMs = 30_000): Promise<void> {
  const admin = client.admin();
  await admin.connect();
  const ends = new Map<string, bigint>();
  try {
    const existing = new Set(await admin.listTopics());
    for (const topic of topics.filter((t) => existing.has(t))) {
      for (const p of await admin.topicOffsets(topic)) if (BigInt(p.high) > BigInt(p.low)) ends.set(`${topic}\u0000${p.partition}`, BigInt(p.high));
    }
  } finally {
    await admin.disconnect();
  }
  if (ends.size === 0) return;
  const wanted = [...new Set([...ends.keys()].map((k) => k.split('\u0000')[0]!))];
  const consumer = client.consumer({ groupId: `switchyard.scan.${randomUUID()}`, maxWaitTimeMs: 100 });
  await consumer.connect();
  try {
    await consumer.subscribe(wanted, { fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new SwitchyardError('SY_KAFKA_UNAVAILABLE', `Reading ${wanted.join(', ')} did not reach the end within ${timeoutMs} ms.`, { hint: 'Check the broker, or raise the timeout.' })), timeoutMs);
      void consumer
        .run({
          eachBatch: async (batch) => {
            const key = `${batch.topic}\u0000${batch.partition}`;
            const end = ends.get(key);
            if (end === undefined) return;
            for (const record of batch.records) {
              if (BigInt(record.offset) >= end) break;
              onRecord(record);
            }
            if (BigInt(batch.lastOffset) + 1n >= end) {
              ends.delete(key);
              if (ends.size === 0) {
                clearTimeout(timer);
                resolve();
              }
            }
          },
        })
        .catch(reject);
    });
  } finally {
    await consumer.disconnect();
  }
}
