import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { throwawayConsumer, throwawayGroup, type IncomingRecord, type KafkaClient } from '@switchyard/kafka';

/** Nothing more came for this long after a batch reported the high watermark past the end: done (a transaction marker ends the log). */
const QUIET_MS = 1_000;
/** No batch at all for this long after joining: what is left holds only aborted records and markers. */
const IDLE_MS = 3_000;

interface Range {
  readonly topic: string;
  readonly partition: number;
  readonly from: bigint;
  readonly end: bigint;
  done: boolean;
  caughtUpAt?: number;
}

const keyOf = (topic: string, partition: number) => `${topic}\u0000${partition}`;

/**
 * Hands `onRecord` the records of `partitions` that `groupId` has not committed yet: from its
 * committed offset (the first retained one when none) up to the end each partition had when
 * called, read_committed, by a throwaway consumer (records are not kept). Nothing to read (the
 * common case) costs two admin lookups. Resolves false when `timeoutMs` ran out before the end.
 */
export async function readUncommitted(
  client: KafkaClient,
  groupId: string,
  partitions: readonly { readonly topic: string; readonly partition: number }[],
  onRecord: (record: IncomingRecord) => void,
  timeoutMs: number,
): Promise<boolean> {
  const ranges = await rangesOf(client, groupId, partitions);
  if (ranges.size === 0) return true;
  const consumer = throwawayConsumer(client, { groupId: throwawayGroup('scan', randomUUID()), maxWaitTimeMs: 200 });
  const activity = { last: Number.POSITIVE_INFINITY };
  await consumer.connect();
  try {
    consumer.onGroupJoin(({ assignment }) => {
      activity.last = Date.now();
      for (const [topic, assigned] of Object.entries(assignment)) {
        for (const partition of assigned) {
          const range = ranges.get(keyOf(topic, partition));
          if (range && !range.done) consumer.seek({ topic, partition, offset: String(range.from) });
          else consumer.pause([{ topic, partitions: [partition] }]);
        }
      }
    });
    await consumer.subscribe([...new Set([...ranges.values()].map((r) => r.topic))], { fromBeginning: true });
    await consumer.run({
      partitionsConsumedConcurrently: 4,
      eachBatch: async (batch) => {
        activity.last = Date.now();
        const range = ranges.get(keyOf(batch.topic, batch.partition));
        if (!range || range.done) return;
        for (const record of batch.records) if (BigInt(record.offset) >= range.from && BigInt(record.offset) < range.end) onRecord(record);
        if (BigInt(batch.lastOffset) + 1n >= range.end) range.done = true;
        else if (BigInt(batch.highWatermark) >= range.end) range.caughtUpAt = Date.now();
      },
    });
    return await allDone(ranges, activity, Date.now() + timeoutMs);
  } finally {
    await consumer.disconnect();
  }
}

async function allDone(ranges: ReadonlyMap<string, Range>, activity: { readonly last: number }, deadline: number): Promise<boolean> {
  for (;;) {
    const now = Date.now();
    const idle = now - activity.last > IDLE_MS;
    for (const range of ranges.values()) {
      if (!range.done && (idle || (range.caughtUpAt !== undefined && now - range.caughtUpAt > QUIET_MS))) range.done = true;
    }
    if ([...ranges.values()].every((r) => r.done)) return true;
    if (now > deadline) return false;
    await sleep(50);
  }
}

/** Per partition with something past the committed offset: where to start and where the end was. */
async function rangesOf(client: KafkaClient, groupId: string, partitions: readonly { readonly topic: string; readonly partition: number }[]): Promise<Map<string, Range>> {
  const ranges = new Map<string, Range>();
  const wanted = new Set(partitions.map((p) => keyOf(p.topic, p.partition)));
  const admin = client.admin();
  await admin.connect();
  try {
    const topics = [...new Set(partitions.map((p) => p.topic))];
    const [ends, committed] = await Promise.all([Promise.all(topics.map((topic) => admin.topicOffsets(topic))), admin.groupOffsets(groupId, topics)]);
    const committedOf = new Map(committed.map((c) => [keyOf(c.topic, c.partition), BigInt(c.offset)]));
    for (const [i, topic] of topics.entries()) {
      for (const { partition, low, high } of ends[i]!) {
        if (!wanted.has(keyOf(topic, partition))) continue;
        const at = committedOf.get(keyOf(topic, partition)) ?? -1n;
        const from = at >= BigInt(low) ? at : BigInt(low);
        if (from < BigInt(high)) ranges.set(keyOf(topic, partition), { topic, partition, from, end: BigInt(high), done: false });
      }
    }
  } finally {
    await admin.disconnect();
  }
  return ranges;
}
