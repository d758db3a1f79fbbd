/**
 * Fault suite (issue 11 item 3): an event-bus subscription and a route on a 3-broker cluster of
 * their own (topics RF 3, min ISR 2), and the broker leading most of their source partitions is
 * killed -9 mid-run, then started again. Every published (acknowledged) event must be handled
 * (subscription) and routed (route), the process must stay up (an uncaught error fails the run),
 * the subscription's reruns stay within its rerun window per incident, and the route,
 * transactional end to end, routes each event exactly once (read committed).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventLaneTopic, type KafkaClient } from '@switchyard/kafka';
import { progressed, startFaultBroker, type FaultBroker } from '@switchyard/testing';
import { MAX_UNCOMMITTED, PARTITIONS, startEventsFaultRun } from './events-faults.test-support.js';

const EVENTS = 3_000;
/**
 * Incidents that can each break the subscription's open transaction or its group session once:
 * the kill (leaders, and maybe a coordinator, move away) and the start (the node rejoins).
 */
const INCIDENTS = 2;

let broker: FaultBroker;
let client: KafkaClient;

beforeAll(async () => {
  broker = await startFaultBroker({ name: 'events-leader-kill', basePort: 25_092, proxied: false, brokers: 3 });
  client = broker.client('events-leader-kill');
}, 180_000);

afterAll(async () => broker?.close());

describe('a subscription and a route through a kill -9 of their partitions\' leader (3 brokers, RF 3, min ISR 2)', () => {
  it(`handle and route all ${EVENTS} events; subscription reruns <= ${INCIDENTS} incidents x maxUncommitted (${MAX_UNCOMMITTED}), the route exactly once`, { timeout: 240_000 }, async () => {
    const admin = client.admin();
    await admin.connect();
    const run = await startEventsFaultRun(client, 'leaderkill', EVENTS, { replicationFactor: 3 }).catch(async (error: unknown) => {
      await admin.disconnect();
      throw error;
    });
    try {
      const both = () => Math.min(run.handled(), run.routed());
      // The broker leading most of the source partitions (the lowest id on a tie).
      await progressed(both, 300, EVENTS);
      const [described] = await admin.describeTopics([eventLaneTopic('fx', 'normal')]);
      const leads = new Map<number, number>();
      for (const p of described!.partitions) leads.set(p.leader, (leads.get(p.leader) ?? 0) + 1);
      const [victim, led] = [...leads].sort((a, b) => b[1] - a[1] || a[0] - b[0])[0]!;
      await broker.kill(victim);
      const [handledAtKill, routedAtKill] = [run.handled(), run.routed()];
      const killed = `${run.at()} (${handledAtKill} handled, ${routedAtKill} routed)`;
      // The kill landed mid-flow: both still had events to go once the node was dead (the route
      // runs about twice as fast as the subscription; the subscription may rejoin its group for a
      // session while the route goes on, so later counts say nothing about the kill).
      expect(handledAtKill).toBeLessThan(EVENTS);
      expect(routedAtKill).toBeLessThan(EVENTS);
      // Both make progress with the node gone (its leaderships moved), then the node comes back (a
      // restart takes longer than the rest of the run: the consumers finish with it rejoining or back).
      await progressed(both, 300, EVENTS);
      const progressedWithout = `${run.at()} (${run.handled()} handled, ${run.routed()} routed)`;
      await broker.startAll();
      const restarted = `${run.at()} (${run.handled()} handled, ${run.routed()} routed)`;
      await run.settle(
        INCIDENTS * MAX_UNCOMMITTED,
        (r) =>
          `events leader kill: ${EVENTS} events, subscription ${r.handlerRuns} handler runs (${r.reruns} reruns), route ${r.routedRecords} routed records; broker ${victim} (leader of ${led} of ${PARTITIONS} source partitions) killed at ${killed}, both went on to ${progressedWithout}, started again at ${restarted}, all handled at ${r.allHandled}, all routed at ${r.allRouted}`,
      );
    } finally {
      await run.close();
      await admin.disconnect();
    }
  });
});
