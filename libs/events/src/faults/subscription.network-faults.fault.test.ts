/**
 * Fault suite (issue 11 item 3): an event-bus subscription and a route reach a broker of their own
 * only through a TCP proxy (the broker advertises the proxy's port), and the proxy injects network
 * faults while they consume: added latency, every connection reset, a stall, clean drops, refused
 * connections. Every published event must be handled (subscription) and routed (route), the
 * process must stay up (an uncaught error fails the run), the subscription's reruns stay within its
 * rerun window per incident, and the route, transactional end to end, routes each event exactly once.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createLogger, decodeEventRecord, eventLaneTopic, type KafkaClient } from '@switchyard/kafka';
import { collectTopics, injectNetworkFaults, startFaultBroker, type FaultBroker } from '@switchyard/testing';
import { createEventBus, type EventBus } from '../event-bus.js';

const EVENTS = 3_000;
/** Each handler call takes this long, so the run lasts seconds and every fault lands mid-flow. */
const HANDLER_MS = 25;
const CONCURRENCY = 20;
/** Each route transform takes this long (the route handles a partition's events one by one). */
const ROUTE_MS = 15;
/** The subscription's rerun window (its maxUncommitted): at most this many events started and not committed. */
const MAX_UNCOMMITTED = 100;
const PARTITIONS = 6;

let broker: FaultBroker;
let client: KafkaClient;
const log = (name: string) => createLogger(name, { level: process.env.LOG_LEVEL ?? 'silent' });

beforeAll(async () => {
  broker = await startFaultBroker({ name: 'events-network-faults', basePort: 24_092, proxied: true });
  client = broker.client('events-network-faults');
}, 180_000);

afterAll(async () => broker?.close());

describe('a subscription and a route under network faults (TCP proxy between them and the broker)', () => {
  it(`handle and route all ${EVENTS} events through latency, resets, a stall, drops and refused connections; subscription reruns <= incidents x maxUncommitted (${MAX_UNCOMMITTED}), the route exactly once`, { timeout: 240_000 }, async () => {
    const buses: EventBus[] = [];
    const bus = () => {
      const b = createEventBus({}, { client, topology: { partitions: PARTITIONS }, log: log('events-network-faults.bus') });
      buses.push(b);
      return b;
    };
    try {
      const source = bus();
      await source.start();
      // A fresh broker answers NOT_COORDINATOR (retriable, nothing written) until its transaction
      // coordinator has loaded: one event no handler or route matches, retried until it lands.
      await vi.waitFor(() => source.publish({ name: 'fx.warmup.done', payload: {}, metadata: { source: 'test', timestamp: new Date().toISOString() } }), { timeout: 60_000, interval: 500 });
      const ids: string[] = [];
      for (let i = 0; i < EVENTS; i += 500) {
        const receipts = await source.publishMany(Array.from({ length: 500 }, (_, j) => ({ name: 'fx.order.placed', payload: { n: i + j }, metadata: { source: 'test', timestamp: new Date().toISOString(), tenantId: `tenant-${(i + j) % 40}` } })));
        ids.push(...receipts.map((r) => r.id));
      }
      expect(new Set(ids).size).toBe(EVENTS);

      const runs: string[] = [];
      const handled = () => new Set(runs).size;
      const consumers = bus();
      consumers.subscribe(
        {
          id: 'slow',
          eventName: 'fx.order.*',
          handler: async (event) => {
            runs.push(event.id);
            await new Promise((resolve) => setTimeout(resolve, HANDLER_MS));
          },
        },
        { name: 'netfaults', concurrency: CONCURRENCY, commitIntervalMs: 50, maxUncommitted: MAX_UNCOMMITTED, sessionTimeoutMs: 10_000, domains: ['fx'] },
      );
      // The transform takes a little time too, so the route is still routing when the faults land.
      consumers.route({ id: 'netfaults-route', from: 'fx.order.*', to: ['fy.audit.logged'], transform: async (event) => {
        await new Promise((resolve) => setTimeout(resolve, ROUTE_MS));
        return event.payload;
      } });
      const started = Date.now();
      const at = () => `${((Date.now() - started) / 1000).toFixed(1)} s`;
      await consumers.start();
      // The route created the target domain's topics as it started (read from the beginning: nothing missed).
      const routedTopic = await collectTopics(client, [eventLaneTopic('fy', 'normal')]);
      // Each record once by its position: the collector (it commits no offsets) reads a partition
      // again from the start when a fault makes it rejoin its group (seen on kafkajs).
      const routed = () => [...new Map(routedTopic.records.filter((r) => r.headers.ce_type?.toString() === 'fy.audit.logged').map((r) => [`${r.partition}:${r.offset}`, r])).values()];

      // Each fault waits for progress of both: the slower one is mid-flow when it lands.
      const incidents = await injectNetworkFaults(broker.proxy!, () => Math.min(handled(), routed().length), EVENTS, 180);
      const faulted = `${at()} (${handled()} handled, ${routed().length} routed)`;
      // Every fault landed mid-flow: both still had events to go after the last one.
      expect(handled()).toBeLessThan(EVENTS);
      expect(routed().length).toBeLessThan(EVENTS);
      await vi.waitFor(() => expect(handled()).toBe(EVENTS), { timeout: 180_000, interval: 100 });
      const allHandled = at();
      await vi.waitFor(() => expect(routed().length).toBeGreaterThanOrEqual(EVENTS), { timeout: 120_000, interval: 100 });
      const allRouted = at();

      const causes = routed().map((r) => {
        const d = decodeEventRecord(r);
        if (!d.ok) throw new Error(d.reason);
        return d.attributes.causationId!;
      });
      const duplicates = runs.length - EVENTS;
      console.log(`events network faults: ${EVENTS} events, subscription ${runs.length} handler runs (${duplicates} reruns), route ${causes.length} routed records, over ${incidents.length} incidents (${incidents.join(', ')}); proxy accepted ${broker.proxy!.counts.accepted}, refused ${broker.proxy!.counts.refused}; faults over at ${faulted}, all handled at ${allHandled}, all routed at ${allRouted}`);
      expect(new Set(runs)).toEqual(new Set(ids));
      // A rerun needs an event started and not committed when an incident broke the transaction or
      // the session; the subscription never has more than maxUncommitted such events.
      expect(duplicates).toBeLessThanOrEqual(incidents.length * MAX_UNCOMMITTED);
      // The route publishes and commits its offsets in one transaction, read committed: each source event once.
      expect(causes.toSorted()).toEqual(ids.toSorted());
    } finally {
      await Promise.all(buses.map((b) => b.close()));
    }
  });
});
