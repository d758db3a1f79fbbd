/**
 * Fault suite (issue 11 item 3), the client under the worker's broker-restart test: a transactional
 * producer commits small transactions back to back, each with the offset of a consumer group as the
 * worker's do (KIP-447: the group's generation and member id), while its only broker stops and
 * starts, then is killed -9 and starts. Every transaction whose commit() resolved must be readable
 * (read committed) afterwards; one that failed may or may not be. It narrows down the worker's
 * broker-restart failure (worker.broker-restart.fault.test.ts: outcomes in aborted transactions
 * the committer took for committed).
 *
 * 2026-12-06 (seventh session): 3 of 16 runs failed (9 of them three at a time), and
 * kafka-dump-log of the kept data shows three defects (issue 11 note):
 * - A COMMIT ACKNOWLEDGED, THEN ABORTED. Transaction 205: its commit() resolved at the first
 *   EndTxn answer (no retry logged) just before the controlled stop; its record (producer epoch
 *   0) is followed by an ABORT marker (epoch 1, coordinator epoch 2) written after the broker
 *   came back. 2026-12-07: a Kafka 4.4.0 broker defect (docs/kafka-client.md), told apart in a
 *   worker.broker-restart run with the same signature: the coordinator committed the transaction
 *   (CompleteCommit) but skipped its COMMIT markers, taking the partitions for deleted once the
 *   controlled shutdown had taken the sole replica's leadership (leader -1). deploy/kafka-local
 *   runs a single node without controlled shutdown since 3282a08.
 * - ZOMBIE COMMITS. Transactions 400-405 failed for the caller at the kill -9 and were committed
 *   much later (producer epochs 543-551, interleaved with the live producer's 652-662): a retired
 *   library producer's leftover retries (the adapter's retryDelay answers 0 for a retired one, and
 *   close() did not stop them) re-initialized the id and finished its old transactions. A caller
 *   that writes such a batch again writes it twice. 953f23f cancels a retired producer's armed
 *   retries (3 runs after it: green, producer epochs stay at 3-4 where the storm reached 553).
 * - COMMITTED BUT NOT READ. Transactions 654-659 are committed in all 6 partitions (COMMIT markers;
 *   our read_committed filter, fed the dumped log and its txnindex, keeps them), yet neither the
 *   live reader nor a fresh one handed them over, while later ones arrived. The same symptom as
 *   the worker's broker-restart failures (statuses in committed transactions never read back).
 *   2026-12-07: the worker's failures were the broker defect above. This one recurred in 1 of 10
 *   runs (a fresh reader lost transactions 206-407, p0 offsets 402-805) and is a defect of
 *   @platformatic/kafka 2.12.1's own read_committed filter in fetch(): per producer it drops
 *   everything from the first listed aborted transaction to the producer's LAST abort marker in
 *   the answer, and the ABORT at 806 (a failed transaction with no records in p0, so not listed)
 *   stretched the range over 202 committed ones. Fixed in 59537e6 (fetches bypass that filter;
 *   read-committed.int.test.ts). With LOG_LEVEL=debug the client logs what our filter leaves out.
 * Since 3282a08 and 59537e6 it passes (3 of 3, and in a whole fault tier). It stays out of `npm
 * test` for CI's 25-minute budget (worker.broker-restart covers the same restarts through the
 * worker): run it with SY_FAULT_LONG=1.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type KafkaClient } from '@switchyard/kafka';
import { collectTopics, progressed, startFaultBroker, type FaultBroker } from '@switchyard/testing';

const LONG = process.env.SY_FAULT_LONG === '1';

let broker: FaultBroker;
let client: KafkaClient;

beforeAll(async () => {
  if (!LONG) return;
  broker = await startFaultBroker({ name: 'txn-restart', basePort: 27_092, proxied: false });
  client = broker.client('txn-restart');
}, 180_000);

afterAll(async () => broker?.close());

describe.skipIf(!LONG)('transactions through broker restarts', () => {
  it('every transaction whose commit resolved is read committed after a stop/start and a kill -9/start of the broker', { timeout: 240_000 }, async () => {
    const topic = 'txn-restart';
    const admin = client.admin();
    await admin.connect();
    await vi.waitFor(() => admin.createTopics([{ topic, numPartitions: 6, replicationFactor: 1, configs: {} }]), { timeout: 60_000, interval: 500 });
    const producer = client.producer({ transactionalId: 'txn-restart', transactionTimeoutMs: 15_000 });
    await producer.connect();
    // A member of a group on another topic: its metadata fences each transaction's offsets.
    await vi.waitFor(() => admin.createTopics([{ topic: `${topic}-source`, numPartitions: 1, replicationFactor: 1, configs: {} }]), { timeout: 60_000, interval: 500 });
    const consumer = client.consumer({ groupId: 'txn-restart-group', sessionTimeoutMs: 10_000 });
    await consumer.connect();
    await consumer.subscribe([`${topic}-source`]);
    await consumer.run({ eachBatch: async () => undefined });
    await vi.waitFor(() => expect(consumer.groupMetadata().generationId).toBeGreaterThanOrEqual(0), { timeout: 60_000, interval: 100 });
    // A read_committed reader alive through the restarts (the worker's consumers are): at the end it
    // must have what a fresh reader has.
    const live = await collectTopics(client, [topic]);
    const acked: number[] = [];
    const failed: number[] = [];
    let stop = false;
    const loop = (async () => {
      for (let n = 0; !stop; n++) {
        let tx: Awaited<ReturnType<typeof producer.transaction>> | undefined;
        try {
          tx = await producer.transaction();
          await tx.send([{ topic, records: Array.from({ length: 6 }, (_, p) => ({ key: `k-${n}-${p}`, value: String(n), partition: p })) }]);
          await tx.sendOffsets(consumer.groupMetadata(), [{ topic: `${topic}-source`, partition: 0, offset: String(n + 1) }]);
          await tx.commit();
          acked.push(n);
        } catch {
          await tx?.abort().catch(() => undefined);
          failed.push(n);
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
      }
    })();
    try {
      await progressed(() => acked.length, 200, Number.MAX_SAFE_INTEGER);
      await broker.restart();
      await progressed(() => acked.length, 200, Number.MAX_SAFE_INTEGER);
      await broker.killAndStart();
      await progressed(() => acked.length, 200, Number.MAX_SAFE_INTEGER);
    } finally {
      stop = true;
      await loop;
    }
    const read = await collectTopics(client, [topic]);
    const visible = () => new Set(read.records.map((r) => Number(r.value!.toString())));
    const seenLive = () => new Set(live.records.map((r) => Number(r.value!.toString())));
    try {
      await vi.waitFor(() => expect(acked.filter((n) => !visible().has(n)).length).toBe(0), { timeout: 60_000, interval: 500 });
      await vi.waitFor(() => expect([...visible()].filter((n) => !seenLive().has(n)).slice(0, 30)).toEqual([]), { timeout: 30_000, interval: 500 });
    } finally {
      const missedLive = [...visible()].filter((n) => !seenLive().has(n));
      console.log(`live reader through the restarts: ${live.records.length} records, missed ${missedLive.length} a fresh reader has (${missedLive.slice(0, 30).join(', ')})`);
      const lost = acked.filter((n) => !visible().has(n));
      console.log(`transactions: ${acked.length} committed, ${failed.length} failed; committed but not visible: ${lost.length} (${lost.slice(0, 30).join(', ')}); failed ones: ${failed.slice(0, 30).join(', ')}`);
      await producer.disconnect();
      await consumer.disconnect();
      await admin.deleteTopics([topic, `${topic}-source`]).catch(() => undefined);
      await admin.disconnect();
    }
  });
});
