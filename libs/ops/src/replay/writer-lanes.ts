/**
 * A replay's writes split over WRITER_LANES transactional producers, each for a fixed share of
 * the source partitions (by their place in the plan) with its own transactional id derived from
 * the replay id, so each lane commits only its own partitions' progress. Lane 0 writes from this
 * thread (which also reads); every other lane too, or from its own thread where its client encodes
 * slowly and it has enough to write (THREAD_MIN_RECORDS).
 * Every run connects every lane's producer, which fences each lane of an interrupted run and
 * aborts its open transaction: the lane count is a constant for that reason.
 */
import { DEFAULT_KAFKA_CLIENT, type KafkaClient, type KafkaClientName, type KafkaConnectionSettings, type ProducerPort } from '@switchyard/kafka';
import { CopyWriter, type ChunkWriter, type CopyChunk, type CopyWriterEvents } from './copy-writer.js';
import type { ReplayPlan } from './replay-plan.js';
import { replayTransactionalId } from './replay.names.js';
import type { ReplayOptions } from './replay.options.js';
import { ThreadWriter } from './thread-writer.js';

/**
 * Transactional producers per replay (2: this machine's cores; see bench/README.md). Raising it is
 * safe; lowering it would leave the dropped lanes of a run interrupted before the change unfenced
 * (a stalled one could still commit), so don't.
 */
export const WRITER_LANES = 2;
/**
 * Per client, how many records a lane past the first must have to write before it gets a thread
 * of its own (fewer: it writes from this thread, which also reads). kafkajs spends ~20 µs of CPU
 * encoding a record, so one thread cannot keep up with a few thousand. @platformatic/kafka copies
 * raw records as bytes (~5 µs a record, reading included) and its lanes never get a thread: on 2
 * cores beside a local broker, 1M records went 191-223k/s from one thread and 162-182k/s with the
 * second lane on a thread, which also cost ~2 CPU-s to start (bench/README.md, replay section).
 */
const THREAD_MIN_RECORDS: Readonly<Record<KafkaClientName, number>> = { kafkajs: 5_000, platformatic: Number.POSITIVE_INFINITY };
const threadMinRecords = (settings: KafkaConnectionSettings) => THREAD_MIN_RECORDS[settings.client ?? DEFAULT_KAFKA_CLIENT];

const TRANSACTION_TIMEOUT_MS = 30_000;

class WriterLanes implements ChunkWriter {
  readonly #lanes: readonly ChunkWriter[];
  readonly #laneOf: ReadonlyMap<number, number>;
  readonly #producers: readonly ProducerPort[];
  #stopped: Promise<void> | undefined;

  constructor(lanes: readonly ChunkWriter[], laneOf: ReadonlyMap<number, number>, producers: readonly ProducerPort[]) {
    this.#lanes = lanes;
    this.#laneOf = laneOf;
    this.#producers = producers;
  }

  write(chunk: CopyChunk): Promise<boolean> {
    return this.#lanes[this.#laneOf.get(chunk.partition) ?? 0]!.write(chunk);
  }

  /** Stops every lane (each ends its transaction in flight), then disconnects this thread's producers; throws the first failure. */
  stop(): Promise<void> {
    this.#stopped ??= (async () => {
      const stopped = await Promise.allSettled(this.#lanes.map((lane) => lane.stop()));
      await Promise.all(this.#producers.map((producer) => producer.disconnect().catch(() => undefined)));
      const failed = stopped.find((result) => result.status === 'rejected');
      if (failed) throw failed.reason;
    })();
    return this.#stopped;
  }
}

/** Which lane writes each planned partition, and how many records each lane has left to write. */
function assignLanes(plan: ReplayPlan): { laneOf: Map<number, number>; remaining: number[] } {
  const laneOf = new Map<number, number>();
  const remaining = Array.from({ length: WRITER_LANES }, () => 0);
  plan.partitions.forEach((range, i) => {
    const lane = i % WRITER_LANES;
    laneOf.set(range.partition, lane);
    remaining[lane]! += Number(range.end - range.position);
  });
  return { laneOf, remaining };
}

/**
 * Connects every lane (a thread for each lane past the first with enough to write) and returns
 * the writer that routes chunks to them; a dry run gets an in-memory writer without producers.
 */
export async function startWriterLanes(client: KafkaClient, plan: ReplayPlan, options: ReplayOptions, events: CopyWriterEvents): Promise<ChunkWriter> {
  const target = { topic: plan.topic, toTopic: options.toTopic, group: plan.group };
  if (options.dryRun) return new CopyWriter({ ...target, ...events });
  const { laneOf, remaining } = assignLanes(plan);
  const producers: ProducerPort[] = [];
  const startLane = async (lane: number): Promise<ChunkWriter> => {
    const transactionalId = replayTransactionalId(options.id, lane);
    if (lane > 0 && client.settings && remaining[lane]! >= threadMinRecords(client.settings)) {
      return ThreadWriter.start({ settings: client.settings, transactionalId, transactionTimeoutMs: TRANSACTION_TIMEOUT_MS, ...target }, events);
    }
    const producer = client.producer({ transactionalId, transactionTimeoutMs: TRANSACTION_TIMEOUT_MS });
    producers.push(producer);
    await producer.connect();
    return new CopyWriter({ producer, ...target, ...events });
  };
  const started = await Promise.allSettled(Array.from({ length: WRITER_LANES }, (_, lane) => startLane(lane)));
  const lanes = started.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
  const writer = new WriterLanes(lanes, laneOf, producers);
  const failed = started.find((result) => result.status === 'rejected');
  if (failed) {
    await writer.stop().catch(() => undefined);
    throw failed.reason;
  }
  return writer;
}
