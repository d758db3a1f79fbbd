/**
 * Fault suite (issue 11 item 3): an event-bus subscription and a route on a 3-broker cluster of
 * their own (topics RF 3, min ISR 2), and the broker leading most of their source partitions is
 * killed -9 mid-run, then started again. Every published (acknowledged) event must be handled
 * (subscription) and routed (route), the process must stay up (an uncaught error fails the run),
 * the subscription's reruns stay within its rerun window per incident, and the route,
 * transactional end to end, routes each event exactly once (read committed).
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createLogger, decodeEventRecord, eventLaneTopic, type KafkaClient } from '@switchyard/kafka';
import { collectTopics, progressed, startFaultBroker, type FaultBroker } from '@switchyard/testing';
import { createEventBus, type EventBus } from '../event-bus.js';

const EVENTS = 3_000;
/** Each handler call takes this long, so the run lasts seconds and the kill lands mid-flow. */
const HANDLER_MS = 25;
const CONCURRENCY = 20;
/** Each route transform takes this long (the route handles a partition's events one by one). */
const ROUTE_MS = 15;
/** The subscription's rerun window (its maxUncommitted): at most this many events started and not committed. */
const MAX_UNCOMMITTED = 100;
const PARTITIONS = 6;
/**
 * Incidents that can each break the subscription's open transaction or its group session once:
 * the kill (leaders, and maybe a coordinator, move away) and the start (the node rejoins).
 */
const INCIDENTS = 2;

let broker: FaultBroker;
let client: KafkaClient;
const log = (name: string) => createLogger(name, { level: process.env.LOG_LEVEL ?? 'silent' });

beforeAll(async () => {
  broker = await startFaultBroker({ name: 'events-leader-kill', basePort: 25_092, proxied: false, brokers: 3 });
  client = broker.client('events-leader-kill');
}, 180_000);

afterAll(async () => broker?.close());

describe('a subscription and a route through a kill -9 of their partitions\' leader (3 brokers, RF 3, min ISR 2)', () => {
  it(`handle and route all ${EVENTS} events; subscription reruns <= ${INCIDENTS} incidents x maxUncommitted (${MAX_UNCOMMITTED}), the route exactly once`, { timeout: 240_000 }, async () => {
    const buses: EventBus[] = [];
    const bus = () => {
      const b = createEventBus({}, { client, topology: { partitions: PARTITIONS, replicationFactor: 3 }, log: log('events-leader-kill.bus') });
      buses.push(b);
      return b;
    };
    const admin = client.admin();
    await admin.connect();
    try {
      const source = bus();
      await source.start();
      // A fresh cluster answers NOT_COORDINATOR (retriable, nothing written) until its transaction
      // coordinator has loaded, and its brokers learn of new topics one by one: one event no
      // handler or route matches, retried until it lands.
      await vi.waitFor(() => source.publish({ name: 'fx.warmup.done', payload: {}, metadata: { source: 'test', timestamp: new Date().toISOString() } }), { timeout: 60_000, interval: 500 });
      const ids: string[] = [];
      for (let i = 0; i < EVENTS; i += 500) {
        const receipts = await source.publishMany(Array.from({ length: 500 }, (_, j) => ({ name: 'fx.order.placed', payload: { n: i + j }, metadata: { source: 'test', timestamp: new Date().toISOString(), tenantId: `tenant-${(i + j) % 40}` } })));
        ids.push(...receipts.map((r) => r.id));
      }
      expect(new Set(ids).size).toBe(EVENTS);

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
        { name: 'leaderkill', concurrency: CONCURRENCY, commitIntervalMs: 50, maxUncommitted: MAX_UNCOMMITTED, sessionTimeoutMs: 10_000, domains: ['fx'] },
      );
      consumers.route({ id: 'leaderkill-route', from: 'fx.order.*', to: ['fy.audit.logged'], transform: async (event) => {
        await new Promise((resolve) => setTimeout(resolve, ROUTE_MS));
        return event.payload;
      } });
      const started = Date.now();
      const at = () => `${((Date.now() - started) / 1000).toFixed(1)} s`;
      await consumers.start();
      const routedTopic = await collectTopics(client, [eventLaneTopic('fy', 'normal')]);
      // Each record once by its position: the collector (it commits no offsets) reads a partition
      // again from the start when it rejoins its group.
      const routed = () => [...new Map(routedTopic.records.filter((r) => r.headers.ce_type?.toString() === 'fy.audit.logged').map((r) => [`${r.partition}:${r.offset}`, r])).values()];
      const both = () => Math.min(seen.size, routed().length);

      // The broker leading most of the source partitions (the lowest id on a tie).
      await progressed(both, 300, EVENTS);
      const [described] = await admin.describeTopics([eventLaneTopic('fx', 'normal')]);
      const leads = new Map<number, number>();
      for (const p of described!.partitions) leads.set(p.leader, (leads.get(p.leader) ?? 0) + 1);
      const [victim, led] = [...leads].sort((a, b) => b[1] - a[1] || a[0] - b[0])[0]!;
      await broker.kill(victim);
      const killed = `${at()} (${seen.size} handled, ${routed().length} routed)`;
      // Both make progress with the node gone (its leaderships moved): the kill landed mid-flow,
      // both still had events to go after it. Then the node comes back (a restart takes longer
      // than the rest of the run: the consumers finish with the node rejoining or back).
      await progressed(both, 300, EVENTS);
      const progressedWithout = `${at()} (${seen.size} handled, ${routed().length} routed)`;
      expect(seen.size).toBeLessThan(EVENTS);
      expect(routed().length).toBeLessThan(EVENTS);
      await broker.startAll();
      const restarted = `${at()} (${seen.size} handled, ${routed().length} routed)`;
      await vi.waitFor(() => expect(seen.size).toBe(EVENTS), { timeout: 180_000, interval: 100 });
      const allHandled = at();
      await vi.waitFor(() => expect(routed().length).toBeGreaterThanOrEqual(EVENTS), { timeout: 120_000, interval: 100 });
      const allRouted = at();

      const causes = routed().map((r) => {
        const d = decodeEventRecord(r);
        if (!d.ok) throw new Error(d.reason);
        return d.attributes.causationId!;
      });
      const duplicates = runs.length - EVENTS;
      console.log(`events leader kill: ${EVENTS} events, subscription ${runs.length} handler runs (${duplicates} reruns), route ${causes.length} routed records; broker ${victim} (leader of ${led} of ${PARTITIONS} source partitions) killed at ${killed}, both went on to ${progressedWithout}, started again at ${restarted}, all handled at ${allHandled}, all routed at ${allRouted}`);
      expect(new Set(runs)).toEqual(new Set(ids));
      // A rerun needs an event started and not committed when an incident broke the transaction or
      // the session; the subscription never has more than maxUncommitted such events.
      expect(duplicates).toBeLessThanOrEqual(INCIDENTS * MAX_UNCOMMITTED);
      // The route publishes and commits its offsets in one transaction, read committed: each source event once.
      expect(causes.toSorted()).toEqual(ids.toSorted());
    } finally {
      await Promise.all(buses.map((b) => b.close()));
      await admin.disconnect();
    }
  });
});
