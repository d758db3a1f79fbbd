/**
 * Contenders of (a): the two producer sides (bus.publishMany vs a bare kafkajs sendBatch) and the
 * Switchyard subscription as a consumer. The bare kafkajs consumer is the worker benchmark's
 * (`runBareKafkajs` in ../worker/throughput.contenders.ts), unchanged.
 */
import kafkajs from 'kafkajs';
import { createTenantPartitioner, eventLaneTopic, subscriptionGroup, type Logger } from '@switchyard/kafka';
import { createEventBus, type EventBus } from '@switchyard/events';
import type { BenchKafka } from '../worker/bench-kafka.js';
import { round, waitUntil, waitUntilAsync } from '../worker/bench-timing.js';
import { bareRecord, busEvent, committedOffsets, toKafkajsMessage } from './bench-events.js';

const { CompressionTypes } = kafkajs;

/** How the N events of (a) look and are sent. */
export interface PublishPlan {
  readonly domain: string;
  readonly events: number;
  readonly tenants: number;
  readonly payload: unknown;
  /** Events per publishMany / sendBatch call; one call in flight at a time. */
  readonly chunkSize: number;
}

/** A producer side: first send call -> last acknowledgement. */
export interface PublishResult {
  readonly events: number;
  readonly eventsPerSec: number;
  readonly ms: number;
  /** Slowest single chunk (ms): the first bus chunk includes its topic check. */
  readonly slowestChunkMs: number;
}

function chunks(events: number, size: number): [number, number][] {
  const out: [number, number][] = [];
  for (let from = 0; from < events; from += size) out.push([from, Math.min(events, from + size)]);
  return out;
}

export async function timedChunks(plan: PublishPlan, send: (from: number, to: number) => Promise<unknown>): Promise<PublishResult> {
  let slowest = 0;
  const started = performance.now();
  for (const [from, to] of chunks(plan.events, plan.chunkSize)) {
    const at = performance.now();
    await send(from, to);
    slowest = Math.max(slowest, performance.now() - at);
  }
  const ms = performance.now() - started;
  return { events: plan.events, eventsPerSec: round((plan.events / ms) * 1000, 0), ms: round(ms, 1), slowestChunkMs: round(slowest, 1) };
}

/** Builds each chunk's events and publishes it with `bus.publishMany` (validation, encoding, idempotent producer, acks=all). */
export function publishWithBus(bus: EventBus, plan: PublishPlan): Promise<PublishResult> {
  return timedChunks(plan, (from, to) => {
    const timestamp = new Date().toISOString();
    const events = [];
    for (let i = from; i < to; i++) events.push(busEvent(plan.domain, i, plan.tenants, plan.payload, timestamp));
    return bus.publishMany(events);
  });
}

/**
 * A bare kafkajs producer as the bus configures its own (idempotent, one request in flight,
 * acks=all, the same key partitioner, no compression): each chunk built with the bus's record
 * encoder, so keys, headers and values have the same bytes, and sent with one `sendBatch`.
 */
export async function publishBare(k: BenchKafka, topic: string, plan: PublishPlan): Promise<PublishResult> {
  const producer = k.raw.producer({ createPartitioner: createTenantPartitioner, idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
  await producer.connect();
  try {
    return await timedChunks(plan, (from, to) => {
      const timestamp = new Date().toISOString();
      const messages = [];
      for (let i = from; i < to; i++) messages.push(toKafkajsMessage(bareRecord(plan.domain, i, plan.tenants, plan.payload, timestamp)));
      return producer.sendBatch({ acks: -1, compression: CompressionTypes.None, topicMessages: [{ topic, messages }] });
    });
  } finally {
    await producer.disconnect();
  }
}

/** One consumer's pass over the preloaded events. */
export interface ConsumeResult {
  readonly events: number;
  /** Handler calls before the measured window (JIT warm-up), not counted in the rates below. */
  readonly warmupEvents: number;
  /** (N - warm-up) / (the handler call after the warm-up -> every offset committed): the headline number. */
  readonly eventsPerSec: number;
  /** The same from `start()` / connect (group join, topic checks included). */
  readonly eventsPerSecWithStartup: number;
  readonly steadyMs: number;
  readonly startupMs: number;
}

export interface SubscriptionConsumeResult extends ConsumeResult {
  readonly eventLog: boolean;
  /** N / (first handler call -> last handler call done): without the wait for the last commit. */
  readonly eventsPerSecHandled: number;
  readonly handledMs: number;
  /** `counts.completed` reached N -> the group's committed offsets reached N. */
  readonly commitTailMs: number;
  readonly handlerCalls: number;
  readonly counts: { readonly completed: number; readonly failed: number; readonly dead: number; readonly skipped: number };
}

export interface SubscriptionRun {
  readonly domain: string;
  readonly subscription: string;
  readonly eventLog: boolean;
  readonly events: number;
  /** Handler calls before the measured window starts. */
  readonly warmupEvents: number;
  readonly concurrency: number;
  readonly partitions: number;
  readonly timeoutMs: number;
}

/**
 * A Switchyard subscription (its own bus, `queue.concurrency`, the given eventLog) over the
 * preloaded domain from the earliest offset, with a no-op handler. Done when
 * `counts.completed` reached N and then the subscription's group has N offsets committed on
 * the domain's normal lane (its transactions landed).
 */
export async function runSubscription(k: BenchKafka, run: SubscriptionRun, log: Logger): Promise<SubscriptionConsumeResult> {
  const bus = createEventBus({ queue: { concurrency: run.concurrency } }, { client: k.client, topology: { partitions: run.partitions }, log });
  let calls = 0;
  let firstAt = 0;
  let steadyAt = 0;
  let lastDoneAt = 0;
  bus.subscribe(
    {
      id: 'noop',
      eventName: `${run.domain}.*`,
      handler: async () => {
        const call = ++calls;
        if (call === 1) firstAt = performance.now();
        if (call === run.warmupEvents + 1) steadyAt = performance.now();
        lastDoneAt = performance.now();
      },
    },
    { name: run.subscription, eventLog: run.eventLog },
  );
  const startAt = performance.now();
  try {
    await bus.start();
    const sub = bus.subscription(run.subscription)!;
    await waitUntil(() => sub.counts.completed >= run.events, {
      what: `subscription ${run.subscription} handled`,
      timeoutMs: run.timeoutMs,
      intervalMs: 5,
      progress: () => `${JSON.stringify(sub.counts)}, ${calls} handler calls`,
    });
    const completedAt = performance.now();
    const topic = eventLaneTopic(run.domain, 'normal');
    let committed = 0;
    await waitUntilAsync(
      async () => {
        committed = await committedOffsets(k, subscriptionGroup(run.subscription), topic);
        return committed >= run.events;
      },
      { what: `subscription ${run.subscription} committed`, timeoutMs: 60_000, intervalMs: 5, progress: () => `${committed}/${run.events} offsets committed` },
    );
    const committedAt = performance.now();
    const steadyMs = committedAt - steadyAt;
    const handledMs = lastDoneAt - steadyAt;
    const measured = run.events - run.warmupEvents;
    return {
      events: run.events,
      warmupEvents: run.warmupEvents,
      eventLog: run.eventLog,
      eventsPerSec: round((measured / steadyMs) * 1000, 0),
      eventsPerSecWithStartup: round((run.events / (committedAt - startAt)) * 1000, 0),
      eventsPerSecHandled: round((measured / handledMs) * 1000, 0),
      steadyMs: round(steadyMs, 1),
      handledMs: round(handledMs, 1),
      startupMs: round(firstAt - startAt, 1),
      commitTailMs: round(committedAt - completedAt, 1),
      handlerCalls: calls,
      counts: sub.counts,
    };
  } finally {
    await bus.close();
  }
}
