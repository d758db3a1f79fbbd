/**
 * Fault suite (issue 11 item 3): an event-bus subscription and a route reach a broker of their own
 * only through a TCP proxy (the broker advertises the proxy's port), and the proxy injects network
 * faults while they consume: added latency, every connection reset, a stall, clean drops, refused
 * connections. Every published event must be handled (subscription) and routed (route), the
 * process must stay up (an uncaught error fails the run), the subscription's reruns stay within its
 * rerun window per incident, and the route, transactional end to end, routes each event exactly once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KafkaClient } from '@switchyard/kafka';
import { injectNetworkFaults, startFaultBroker, type FaultBroker } from '@switchyard/testing';
import { MAX_UNCOMMITTED, startEventsFaultRun } from './events-faults.test-support.js';

const EVENTS = 3_000;

let broker: FaultBroker;
let client: KafkaClient;

beforeAll(async () => {
  broker = await startFaultBroker({ name: 'events-network-faults', basePort: 24_092, proxied: true });
  client = broker.client('events-network-faults');
}, 180_000);

afterAll(async () => broker?.close());

describe('a subscription and a route under network faults (TCP proxy between them and the broker)', () => {
  it(`handle and route all ${EVENTS} events through latency, resets, a stall, drops and refused connections; subscription reruns <= incidents x maxUncommitted (${MAX_UNCOMMITTED}), the route exactly once`, { timeout: 240_000 }, async () => {
    const run = await startEventsFaultRun(client, 'netfaults', EVENTS);
    try {
      // Each fault waits for progress of both: the slower one is mid-flow when it lands.
      const incidents = await injectNetworkFaults(broker.proxy!, () => Math.min(run.handled(), run.routed()), EVENTS, 180);
      const faulted = `${run.at()} (${run.handled()} handled, ${run.routed()} routed)`;
      // Every fault landed mid-flow: both still had events to go after the last one.
      expect(run.handled()).toBeLessThan(EVENTS);
      expect(run.routed()).toBeLessThan(EVENTS);
      await run.settle(
        incidents.length * MAX_UNCOMMITTED,
        (r) =>
          `events network faults: ${EVENTS} events, subscription ${r.handlerRuns} handler runs (${r.reruns} reruns), route ${r.routedRecords} routed records, over ${incidents.length} incidents (${incidents.join(', ')}); proxy accepted ${broker.proxy!.counts.accepted}, refused ${broker.proxy!.counts.refused}; faults over at ${faulted}, all handled at ${r.allHandled}, all routed at ${r.allRouted}`,
      );
    } finally {
      await run.close();
    }
  });
});
