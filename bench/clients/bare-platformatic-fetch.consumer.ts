/**
 * A bare consumer written directly against @platformatic/kafka's lower-level public API: the
 * consumer group's `joinGroup`, then `fetch` from the partitions' leaders, every record through a
 * no-op under a shared limiter of `concurrency`, and after each fetched partition batch one
 * `commit` of its last offset + 1: the kafkajs bare loop's eachBatch + commitOffsets cadence. The
 * library's message stream (bare-platformatic.consumer.ts) builds a Message object with a commit
 * closure per record; this is the cheapest way through the library, so it is its ceiling.
 */
import { Consumer } from '@platformatic/kafka';
import { createLimiter } from '../worker/bench-timing.js';
import { Meter, type ContenderResult, type ContenderRun } from '../worker/contender-meter.js';
import type { BareConsumerTarget } from './bare-consumers.js';
import { fetchFrom, joinAtCommitted, partitionsByLeader, runLoopUntil } from './bare-platformatic-loop.js';

export async function runBarePlatformaticFetch(target: BareConsumerTarget, run: ContenderRun): Promise<ContenderResult> {
  const meter = new Meter(run.warmupTasks);
  const consumer = new Consumer({ groupId: target.groupId, clientId: 'switchyard-bench-bare', bootstrapBrokers: target.bootstrap.split(','), sessionTimeout: 30_000, heartbeatInterval: 3_000, maxWaitTime: 100 });
  const limit = createLimiter(run.concurrency);
  let committed = 0;
  let endAt = 0;
  let running = true;
  meter.startAt = performance.now();
  try {
    const { partitions, positions } = await joinAtCommitted(consumer, target.topic);
    const loop = async () => {
      while (running && endAt === 0) {
        const { topicId, byLeader } = await partitionsByLeader(consumer, target.topic, partitions);
        await Promise.all(
          [...byLeader].map(async ([node, list]) => {
            const response = await fetchFrom(consumer, node, topicId, list, positions);
            // The partitions of one answer run concurrently, as kafkajs' partitionsConsumedConcurrently does.
            await Promise.all(
              response.responses.flatMap((t) =>
                t.partitions.map(async (partition) => {
                  let last = -1n;
                  const handled: Promise<void>[] = [];
                  for (const batch of partition.records ?? []) {
                    for (const record of batch.records) {
                      const offset = batch.firstOffset + BigInt(record.offsetDelta);
                      if (offset < positions.get(partition.partitionIndex)!) continue;
                      last = offset;
                      handled.push(limit(() => meter.hit()));
                    }
                  }
                  if (last < 0n) return;
                  await Promise.all(handled);
                  positions.set(partition.partitionIndex, last + 1n);
                  await consumer.commit({ offsets: [{ topic: target.topic, partition: partition.partitionIndex, offset: last + 1n, leaderEpoch: -1 }] });
                  committed += handled.length;
                  if (committed >= run.tasks && endAt === 0) endAt = performance.now();
                }),
              ),
            );
          }),
        );
      }
    };
    const stop = () => (running = false);
    await runLoopUntil(loop, stop, () => endAt > 0, { what: 'bare platformatic fetch throughput', timeoutMs: run.timeoutMs, progress: () => `${committed}/${run.tasks} committed` });
    return meter.result(run, endAt);
  } finally {
    running = false;
    await new Promise<void>((resolve) => consumer.close(true, () => resolve()));
  }
}
