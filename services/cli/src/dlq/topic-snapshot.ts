/**
 * Reads a topic from its first retained record up to the end offsets it had when the read started
 * (read_committed), with a throwaway consumer group that never commits. Same approach as
 * libs/worker's readTaskStatus: a partition is done once a batch reached its end offset, or once
 * a batch reported the high watermark past it and nothing else came for a moment (a transaction
 * marker at the very end is never handed over).
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { AdminPort, IncomingRecord, KafkaClient } from '@switchyard/kafka';
import { CliError } from '../cli-context.js';
import { EXIT } from '../exit-codes.js';

const QUIET_MS = 1_000;
/** No batch at all for this long after joining: the rest holds only aborted records and markers. */
const IDLE_MS = 3_000;

interface PartitionProgress {
  readonly end: bigint;
  done: boolean;
  caughtUpAt?: number;
}

/** Every record of `topic` up to its end offsets at start, in partition/offset order. */
export async function readTopicSnapshot(client: KafkaClient, admin: AdminPort, topic: string, { timeoutMs = 60_000 } = {}): Promise<IncomingRecord[]> {
  const offsets = await admin.topicOffsets(topic);
  const progress = new Map<number, PartitionProgress>(offsets.map((o) => [o.partition, { end: BigInt(o.high), done: BigInt(o.high) <= BigInt(o.low) }]));
  const records: IncomingRecord[] = [];
  if ([...progress.values()].every((p) => p.done)) return records;
  const consumer = client.consumer({ groupId: `switchyard.cli.reader.${randomUUID()}`, maxWaitTimeMs: 200 });
  const activity = { last: Number.POSITIVE_INFINITY };
  await consumer.connect();
  try {
    consumer.onGroupJoin(() => void (activity.last = Date.now()));
    await consumer.subscribe([topic], { fromBeginning: true });
    await consumer.run({
      partitionsConsumedConcurrently: 4,
      eachBatch: async (batch) => {
        activity.last = Date.now();
        const state = progress.get(batch.partition);
        if (!state || state.done) return;
        for (const record of batch.records) if (BigInt(record.offset) < state.end) records.push(record);
        if (BigInt(batch.lastOffset) + 1n >= state.end) finish(consumer, topic, batch.partition, state);
        else if (BigInt(batch.highWatermark) >= state.end) state.caughtUpAt = Date.now();
      },
    });
    await waitUntilDone(progress, activity, topic, timeoutMs);
  } finally {
    await consumer.disconnect();
  }
  return records.sort((a, b) => a.partition - b.partition || Number(BigInt(a.offset) - BigInt(b.offset)));
}

function finish(consumer: { pause(p: { topic: string; partitions: number[] }[]): void }, topic: string, partition: number, state: PartitionProgress): void {
  state.done = true;
  consumer.pause([{ topic, partitions: [partition] }]);
}

async function waitUntilDone(progress: Map<number, PartitionProgress>, activity: { last: number }, topic: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const now = Date.now();
    const idle = now - activity.last > IDLE_MS;
    for (const state of progress.values()) {
      if (!state.done && (idle || (state.caughtUpAt !== undefined && now - state.caughtUpAt > QUIET_MS))) state.done = true;
    }
    if ([...progress.values()].every((p) => p.done)) return;
    if (now > deadline) {
      throw new CliError(EXIT.failure, `Reading ${topic} to its end did not finish within ${timeoutMs} ms.`, 'Check that the cluster is reachable (KAFKA_BROKERS / --brokers) and try again.');
    }
    await sleep(50);
  }
}
