/**
 * A bare consumer written directly against @platformatic/kafka: a consumer group's message stream
 * (`consumer.consume`, from the earliest offset, no autocommit), every message through a no-op
 * under a shared limiter of `concurrency`. The stream hands out messages one by one, not batches,
 * so the nearest to "commit after each batch" is: whenever handled messages are not committed yet
 * and no commit is in flight, one `consumer.commit` of every partition's last handled offset.
 */
import { Consumer, type Message } from '@platformatic/kafka';
import { createLimiter, waitUntil } from '../worker/bench-timing.js';
import { Meter, type ContenderResult, type ContenderRun } from '../worker/contender-meter.js';
import type { BareConsumerTarget } from './bare-consumers.js';

export async function runBarePlatformatic(target: BareConsumerTarget, run: ContenderRun): Promise<ContenderResult> {
  const meter = new Meter(run.warmupTasks);
  const consumer = new Consumer({ groupId: target.groupId, clientId: 'switchyard-bench-bare', bootstrapBrokers: target.bootstrap.split(','), sessionTimeout: 30_000, heartbeatInterval: 3_000 });
  const limit = createLimiter(run.concurrency);
  /** Next offset to commit per partition (last handled + 1), and what the broker has confirmed. */
  const handled = new Map<number, bigint>();
  const confirmed = new Map<number, bigint>();
  let committed = 0;
  let endAt = 0;
  let inFlight = false;
  let failure: Error | undefined;
  const commit = () => {
    if (inFlight || failure) return;
    const offsets = [...handled].filter(([p, o]) => o > (confirmed.get(p) ?? 0n)).map(([partition, offset]) => ({ topic: target.topic, partition, offset, leaderEpoch: -1 }));
    if (offsets.length === 0) return;
    inFlight = true;
    consumer.commit({ offsets }).then(
      () => {
        inFlight = false;
        for (const o of offsets) confirmed.set(o.partition, o.offset);
        committed = Number([...confirmed.values()].reduce((a, b) => a + b, 0n));
        if (committed >= run.tasks && endAt === 0) endAt = performance.now();
        commit();
      },
      (err: unknown) => {
        inFlight = false;
        failure = err instanceof Error ? err : new Error(String(err));
      },
    );
  };
  meter.startAt = performance.now();
  const stream = await consumer.consume({ topics: [target.topic], mode: 'earliest', autocommit: false });
  stream.on('error', (err) => {
    failure = err;
  });
  stream.on('data', (message: Message<Buffer, Buffer, Buffer, Buffer>) => {
    void limit(() => meter.hit()).then(() => {
      const next = message.offset + 1n;
      if (next > (handled.get(message.partition) ?? 0n)) handled.set(message.partition, next);
      commit();
    });
  });
  try {
    await waitUntil(() => endAt > 0 || failure !== undefined, { what: 'bare platformatic throughput', timeoutMs: run.timeoutMs, intervalMs: 5, progress: () => `${committed}/${run.tasks} committed` });
    if (failure && endAt === 0) throw failure;
    return meter.result(run, endAt);
  } finally {
    await stream.close().catch(() => undefined);
    await new Promise<void>((resolve) => consumer.close(true, () => resolve()));
  }
}
