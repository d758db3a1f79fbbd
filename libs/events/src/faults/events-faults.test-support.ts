/**
 * What the events fault tests share (subscription.network-faults, subscription.leader-kill): a bus
 * on the fault broker, the published events, a slow subscription and a slow route over them, and
 * the final accounting (every event handled and routed, reruns within the window, the route
 * exactly once). Each test injects its own fault between start() and the accounting.
 */
import { expect, vi } from 'vitest';
import { createLogger, decodeEventRecord, eventLaneTopic, type KafkaClient } from '@switchyard/kafka';
import { collectTopics } from '@switchyard/testing';
import { createEventBus, type EventBus } from '../event-bus.js';

/** Each handler call takes this long, so the run lasts seconds and a fault lands mid-flow. */
const HANDLER_MS = 25;
const CONCURRENCY = 20;
/** Each route transform takes this long (the route handles a partition's events one by one), so the route is still routing when a fault lands. */
const ROUTE_MS = 15;
/** The subscription's rerun window (its maxUncommitted): at most this many events started and not committed. */
export const MAX_UNCOMMITTED = 100;
export const PARTITIONS = 6;

export interface SettleStats {
  readonly allHandled: string;
  readonly allRouted: string;
  readonly handlerRuns: number;
  readonly reruns: number;
  readonly routedRecords: number;
}

export interface EventsFaultRun {
  /** Ids of the published (acknowledged) events. */
  readonly ids: readonly string[];
  /** Handler runs, one entry per run (reruns included). */
  readonly runs: readonly string[];
  /** Distinct events handled so far. */
  handled(): number;
  /** Distinct routed records so far (by position: the collector reads a partition again when it rejoins). */
  routed(): number;
  /** Seconds since the consumers started, for the log line. */
  at(): string;
  /**
   * Waits until every event is handled and routed, prints `report(stats)`, then checks: each
   * handled, reruns <= `rerunBound`, each routed exactly once.
   */
  settle(rerunBound: number, report: (stats: SettleStats) => string): Promise<void>;
  close(): Promise<void>;
}

/**
 * Publishes `events` `fx.order.placed` events (40 tenants), then starts a subscription `name`
 * (slow no-op handler, concurrency 20, commit interval 50 ms, maxUncommitted 100) and a route
 * `name-route` (fx.order.* -> fy.audit.logged, slow transform) on one bus.
 */
export async function startEventsFaultRun(client: KafkaClient, name: string, events: number, topology: { readonly replicationFactor?: number } = {}): Promise<EventsFaultRun> {
  const log = createLogger(`${name}.bus`, { level: process.env.LOG_LEVEL ?? 'silent' });
  const buses: EventBus[] = [];
  const bus = () => {
    const b = createEventBus({}, { client, topology: { partitions: PARTITIONS, ...topology }, log });
    buses.push(b);
    return b;
  };
  const close = () => Promise.all(buses.map((b) => b.close())).then(() => undefined);
  try {
    const source = bus();
    await source.start();
    // A fresh broker answers NOT_COORDINATOR (retriable, nothing written) until its transaction
    // coordinator has loaded, and a cluster's brokers learn of new topics one by one: one event no
    // handler or route matches, retried until it lands.
    await vi.waitFor(() => source.publish({ name: 'fx.warmup.done', payload: {}, metadata: { source: 'test', timestamp: new Date().toISOString() } }), { timeout: 60_000, interval: 500 });
    const ids: string[] = [];
    for (let i = 0; i < events; i += 500) {
      const receipts = await source.publishMany(Array.from({ length: Math.min(500, events - i) }, (_, j) => ({ name: 'fx.order.placed', payload: { n: i + j }, metadata: { source: 'test', timestamp: new Date().toISOString(), tenantId: `tenant-${(i + j) % 40}` } })));
      ids.push(...receipts.map((r) => r.id));
    }
    expect(new Set(ids).size).toBe(events);

    const runs: string[] = [];
    const seen = new Set<string>();
    const consumers = bus();
    consumers.subscribe(
      {
        id: 'slow',
        eventName: 'fx.order.*',
        handler: async (event) => {
          runs.push(event.id);
          seen.add(event.id);
          await new Promise((resolve) => setTimeout(resolve, HANDLER_MS));
        },
      },
      { name, concurrency: CONCURRENCY, commitIntervalMs: 50, maxUncommitted: MAX_UNCOMMITTED, sessionTimeoutMs: 10_000, domains: ['fx'] },
    );
    consumers.route({ id: `${name}-route`, from: 'fx.order.*', to: ['fy.audit.logged'], transform: async (event) => {
      await new Promise((resolve) => setTimeout(resolve, ROUTE_MS));
      return event.payload;
    } });
    const started = Date.now();
    const at = () => `${((Date.now() - started) / 1000).toFixed(1)} s`;
    await consumers.start();
    // The route created the target domain's topics as it started (read from the beginning: nothing missed).
    const routedTopic = await collectTopics(client, [eventLaneTopic('fy', 'normal')]);
    const routedRecords = () => [...new Map(routedTopic.records.filter((r) => r.headers.ce_type?.toString() === 'fy.audit.logged').map((r) => [`${r.partition}:${r.offset}`, r])).values()];
    return {
      ids,
      runs,
      handled: () => seen.size,
      routed: () => routedRecords().length,
      at,
      close,
      async settle(rerunBound, report) {
        await vi.waitFor(() => expect(seen.size).toBe(events), { timeout: 180_000, interval: 100 });
        const allHandled = at();
        await vi.waitFor(() => expect(routedRecords().length).toBeGreaterThanOrEqual(events), { timeout: 120_000, interval: 100 });
        const allRouted = at();
        const causes = routedRecords().map((r) => {
          const d = decodeEventRecord(r);
          if (!d.ok) throw new Error(d.reason);
          return d.attributes.causationId!;
        });
        console.log(report({ allHandled, allRouted, handlerRuns: runs.length, reruns: runs.length - events, routedRecords: causes.length }));
        expect(new Set(runs)).toEqual(new Set(ids));
        // A rerun needs an event started and not committed when an incident broke the transaction or
        // the session; the subscription never has more than maxUncommitted such events.
        expect(runs.length - events).toBeLessThanOrEqual(rerunBound);
        // The route publishes and commits its offsets in one transaction, read committed: each source event once.
        expect(causes.toSorted()).toEqual([...ids].toSorted());
      },
    };
  } catch (error) {
    await close();
    throw error;
  }
}
