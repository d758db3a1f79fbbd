/**
 * The bare producer of a client library (`--client`) for bench:events (a): configured as the
 * bus configures its own (idempotent, one request in flight, acks=all, no compression), each chunk
 * built with the bus's record encoder (same keys, headers and value bytes) and sent with one call,
 * one call in flight. kafkajs keeps the tenant partitioner; platformatic gets each record's
 * partition from the same function (`partitionForKey`), so every library writes the same layout.
 */
import { Producer, ProduceAcks } from '@platformatic/kafka';
import { partitionForKey, type OutgoingRecord } from '@switchyard/kafka';
import { bareRecord } from '../events/bench-events.js';
import { publishBare, timedChunks, type PublishPlan, type PublishResult } from '../events/throughput.contenders.js';
import type { BenchKafka } from '../worker/bench-kafka.js';
import type { BenchClient } from './bench-clients.js';

export type BareProducerApi = 'kafkajs sendBatch' | 'platformatic send';
export type BarePublishResult = PublishResult & { readonly client: BenchClient; readonly api: BareProducerApi };

const asBuffer = (v: string | Buffer) => (typeof v === 'string' ? Buffer.from(v, 'utf8') : v);

/** One chunk's records: event `i` of the plan for every i in [from, to). */
function chunkRecords(plan: PublishPlan, from: number, to: number): OutgoingRecord[] {
  const timestamp = new Date().toISOString();
  const records = [];
  for (let i = from; i < to; i++) records.push(bareRecord(plan.domain, i, plan.tenants, plan.payload, timestamp));
  return records;
}

/** @platformatic/kafka's Producer: `send` of a chunk (idempotent, acks=all). */
async function publishPlatformatic(k: BenchKafka, topic: string, partitions: number, plan: PublishPlan): Promise<PublishResult> {
  const producer = new Producer({ clientId: 'switchyard-bench-bare', bootstrapBrokers: k.bootstrap.split(','), idempotent: true, acks: ProduceAcks.ALL, autocreateTopics: false });
  try {
    return await timedChunks(plan, (from, to) => {
      const messages = chunkRecords(plan, from, to).map((r) => ({
        topic,
        key: r.key == null ? undefined : asBuffer(r.key),
        value: r.value == null ? undefined : asBuffer(r.value),
        partition: partitionForKey(r.key ?? '', partitions),
        headers: new Map(Object.entries(r.headers ?? {}).map(([name, v]) => [Buffer.from(name, 'utf8'), asBuffer(v)])),
      }));
      return producer.send({ messages });
    });
  } finally {
    await producer.close();
  }
}

/** Publishes the plan's events to `topic` (`partitions` partitions) with `client`'s bare producer. */
export async function publishBareWith(client: BenchClient, k: BenchKafka, topic: string, partitions: number, plan: PublishPlan): Promise<BarePublishResult> {
  if (client === 'kafkajs') return { ...(await publishBare(k, topic, plan)), client, api: 'kafkajs sendBatch' };
  return { ...(await publishPlatformatic(k, topic, partitions, plan)), client, api: 'platformatic send' };
}
