/**
 * The bare exactly-once loop of @platformatic/kafka: what the worker's transactions cost with
 * nothing of Switchyard around them. Written against the library's public API only, as a user of
 * it would write a consume-transform-produce loop:
 *
 *   fetch from the partitions' leaders (as bare-platformatic-fetch.consumer.ts), every record's
 *   value JSON-parsed and passed through a no-op under a shared limiter of `concurrency`, one small
 *   JSON "completed" record per task to the queue's status topic (`withStatus`), then ONE
 *   transaction per fetch answer: beginTransaction, send, addConsumer, addOffset per partition,
 *   commit.
 *
 * The fetch loop waits for each transaction (no overlap of fetching, handling and committing):
 * the plain way to write it, not the fastest. It is a reference for the gap between the bare loop
 * (no decoding, plain commits) and the worker, not a bar of issue 11: read it with its CPU per task.
 */
import { randomUUID } from 'node:crypto';
import { Consumer, Producer, type Message, type MessageToProduce } from '@platformatic/kafka';
import { createLimiter } from '../worker/bench-timing.js';
import { Meter, type ContenderResult, type ContenderRun } from '../worker/contender-meter.js';
import type { BareConsumerTarget } from './bare-consumers.js';
import { fetchFrom, joinAtCommitted, partitionsByLeader, runLoopUntil } from './bare-platformatic-loop.js';

export interface BareTransactionalTarget extends BareConsumerTarget {
  /** Where the completed records go (the queue's status topic). */
  readonly statusTopic: string;
  /** One completed record per task (false: the transaction commits the offsets only). */
  readonly withStatus: boolean;
}

export async function runBarePlatformaticTransactional(target: BareTransactionalTarget, run: ContenderRun): Promise<ContenderResult> {
  const meter = new Meter(run.warmupTasks);
  const bootstrapBrokers = target.bootstrap.split(',');
  const consumer = new Consumer({ groupId: target.groupId, clientId: 'switchyard-bench-bare-eos', bootstrapBrokers, sessionTimeout: 30_000, heartbeatInterval: 3_000, maxWaitTime: 100 });
  // A fresh transactional id, registered as a new producer (-1/-1).
  const producer = new Producer({ clientId: 'switchyard-bench-bare-eos', bootstrapBrokers, transactionalId: `bench-bare-eos-${randomUUID()}`, idempotent: true, acks: -1, producerId: -1n, producerEpoch: -1 });
  const limit = createLimiter(run.concurrency);
  const noop = (_payload: unknown) => meter.hit();
  let committed = 0;
  let endAt = 0;
  let running = true;
  meter.startAt = performance.now();
  try {
    const { partitions, positions } = await joinAtCommitted(consumer, target.topic);
    const loop = async () => {
      while (running && endAt === 0) {
        const { topicId, byLeader } = await partitionsByLeader(consumer, target.topic, partitions);
        const outputs: MessageToProduce[] = [];
        const lasts = new Map<number, bigint>();
        const handled: Promise<void>[] = [];
        await Promise.all(
          [...byLeader].map(async ([node, list]) => {
            const response = await fetchFrom(consumer, node, topicId, list, positions);
            for (const t of response.responses) {
              for (const partition of t.partitions) {
                for (const batch of partition.records ?? []) {
                  for (const record of batch.records) {
                    const offset = batch.firstOffset + BigInt(record.offsetDelta);
                    if (offset < positions.get(partition.partitionIndex)!) continue;
                    lasts.set(partition.partitionIndex, offset);
                    // The task's payload, decoded as any consumer of it must.
                    const payload: unknown = record.value ? JSON.parse(record.value.toString('utf8')) : null;
                    handled.push(limit(() => noop(payload)));
                    if (target.withStatus) {
                      const key = record.key ?? Buffer.from(`${partition.partitionIndex}-${offset}`);
                      outputs.push({ topic: target.statusTopic, key, value: Buffer.from(JSON.stringify({ taskId: key.toString('utf8'), status: 'completed', attempt: 1, updatedAt: new Date().toISOString() })) });
                    }
                  }
                }
              }
            }
          }),
        );
        if (lasts.size === 0) continue;
        await Promise.all(handled);
        const tx = await producer.beginTransaction();
        if (outputs.length > 0) await tx.send({ messages: outputs });
        await tx.addConsumer(consumer);
        for (const [partition, last] of lasts) {
          // addOffset commits message.offset + 1, fenced by the consumer's group generation (KIP-447).
          await tx.addOffset({ topic: target.topic, partition, offset: last, metadata: { consumer: { groupId: target.groupId, generationId: consumer.generationId, memberId: consumer.memberId, coordinatorId: consumer.coordinatorId } } } as unknown as Message);
        }
        await tx.commit();
        for (const [partition, last] of lasts) positions.set(partition, last + 1n);
        committed += handled.length;
        if (committed >= run.tasks && endAt === 0) endAt = performance.now();
      }
    };
    const stop = () => (running = false);
    await runLoopUntil(loop, stop, () => endAt > 0, { what: 'bare platformatic transactional throughput', timeoutMs: run.timeoutMs, progress: () => `${committed}/${run.tasks} committed` });
    return meter.result(run, endAt);
  } finally {
    running = false;
    await new Promise<void>((resolve) => producer.close(() => resolve()));
    await new Promise<void>((resolve) => consumer.close(true, () => resolve()));
  }
}
