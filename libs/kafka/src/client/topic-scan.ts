import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { SwitchyardError } from '@switchyard/protocol';
import { throwawayGroup } from '../catalog/group-names.js';
import type { IncomingRecord, KafkaClient } from './kafka-client.port.js';
import { throwawayConsumer } from './throwaway-consumer.js';

/** Nothing more came for this long after a batch reported the high watermark past the end: done. */
const QUIET_MS = 1_000;
/** No batch at all for this long after joining: what is left holds only aborted records and markers. */
const IDLE_MS = 3_000;

interface PartitionProgress {
  readonly end: bigint;
  done: boolean;
  caughtUpAt?: number;
}

/**
 * Reads `topics` from their first retained record up to the end offsets they had when the scan
 * started (read_committed) and hands every record to `onRecord`, with a throwaway consumer group
 * that never commits and is deleted when the scan ends (done, failed or timed out), so the scan
 * leaves no state behind (see {@link throwawayConsumer} for a process killed meanwhile). A
 * partition is done once a batch reached its end offset, or once a batch reported the high
 * watermark past it and nothing else came for a moment (a transaction marker at the very end is
 * never handed over). Topics that do not exist are skipped. For operator lookups (DLQs, event log, markers), not for hot paths.
 *
 * @throws SwitchyardError `SY_KAFKA_UNAVAILABLE` when the end is not reached within `timeoutMs`;
 *   whatever `onRecord` throws (the scan stops at the first such error).
 */
export async function scanTopics(client: KafkaClient, topics: readonly string[], onRecord: (record: IncomingRecord) => void, { timeoutMs = 60_000 } = {}): Promise<void> {
  const progress = new Map<string, PartitionProgress>();
  const admin = client.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    for (const topic of topics.filter((t) => existing.has(t))) {
      for (const o of await admin.topicOffsets(topic)) progress.set(`${topic}\u0000${o.partition}`, { end: BigInt(o.high), done: BigInt(o.high) <= BigInt(o.low) });
    }
  } finally {
    await admin.disconnect();
  }
  const wanted = [...new Set([...progress].filter(([, p]) => !p.done).map(([key]) => key.split('\u0000')[0]!))];
  if (wanted.length === 0) return;
  const consumer = throwawayConsumer(client, { groupId: throwawayGroup('scan', randomUUID()), maxWaitTimeMs: 200 });
  // An onRecord that throws ends the scan with its error (kafkajs would only retry the batch).
  const activity: { last: number; failure?: { error: unknown } } = { last: Number.POSITIVE_INFINITY };
  await consumer.connect();
  try {
    consumer.onGroupJoin(() => void (activity.last = Date.now()));
    await consumer.subscribe(wanted, { fromBeginning: true });
    await consumer.run({
      partitionsConsumedConcurrently: 4,
      eachBatch: async (batch) => {
        activity.last = Date.now();
        const state = progress.get(`${batch.topic}\u0000${batch.partition}`);
        if (!state || state.done || activity.failure) return;
        try {
          for (const record of batch.records) if (BigInt(record.offset) < state.end) onRecord(record);
        } catch (error) {
          activity.failure = { error };
          return;
        }
        if (BigInt(batch.lastOffset) + 1n >= state.end) {
          state.done = true;
          consumer.pause([{ topic: batch.topic, partitions: [batch.partition] }]);
        } else if (BigInt(batch.highWatermark) >= state.end) state.caughtUpAt = Date.now();
      },
    });
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (activity.failure) throw activity.failure.error;
      const now = Date.now();
      const idle = now - activity.last > IDLE_MS;
      for (const state of progress.values()) {
        if (!state.done && (idle || (state.caughtUpAt !== undefined && now - state.caughtUpAt > QUIET_MS))) state.done = true;
      }
      if ([...progress.values()].every((p) => p.done)) return;
      if (now > deadline) {
        throw new SwitchyardError('SY_KAFKA_UNAVAILABLE', `Reading ${wanted.join(', ')} to the end did not finish within ${timeoutMs} ms.`, {
          hint: 'Check that the cluster is reachable (KAFKA_BROKERS / --brokers) and try again.',
        });
      }
      await sleep(50);
    }
  } finally {
    await consumer.disconnect();
  }
}
