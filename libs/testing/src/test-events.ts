import { randomUUID } from 'node:crypto';
import { onTestFinished } from 'vitest';
import { createLogger, routeGroup, subscriptionGroup, type KafkaClient } from '@switchyard/kafka';
import type { EventInput } from '@switchyard/protocol';
import { createEventBus, type EventBus, type EventBusConfigOptions, type EventBusDeps } from '@switchyard/events';
import { testAdmin, testClient } from './test-kafka.js';

/**
 * A fresh event domain for one test (`d<8 hex>`), buses that close after the test, and cleanup of
 * every topic of the domain and of the subscriptions and routes the test named through `sub()`.
 */
export async function setupEvents(partitions = 3) {
  const client: KafkaClient = testClient();
  const admin = await testAdmin(client);
  const domain = `d${randomUUID().replaceAll('-', '').slice(0, 8)}`;
  const names = new Set<string>();
  const buses: EventBus[] = [];
  onTestFinished(async () => {
    await Promise.all(buses.map((b) => b.close()));
    const ours = (await admin.listTopics()).filter((t) => t.startsWith(`events.${domain}`) || [...names].some((n) => t.startsWith(`switchyard.subscription.${n}.`) || t.endsWith(`.dlq.${n}`) || t.endsWith(`.dlq.route-${n}`)));
    admin.deleteAfterTest(ours);
    // Subscriptions and routes commit offsets in their groups: deleted too (after the buses closed).
    admin.deleteGroupsAfterTest([...names].flatMap((n) => [subscriptionGroup(n), routeGroup(n)]));
  });
  return {
    client,
    admin,
    domain,
    /** An event name in this test's domain. */
    name: (rest: string) => `${domain}.${rest}`,
    /** A subscription (or route) name only this test uses. */
    sub(prefix = 's'): string {
      const n = `${prefix}-${randomUUID().slice(0, 8)}`;
      names.add(n);
      return n;
    },
    event(name: string, payload: unknown, metadata: Partial<EventInput['metadata']> = {}): EventInput {
      return { name, payload, metadata: { source: 'test', timestamp: new Date().toISOString(), ...metadata } };
    },
    bus(config: EventBusConfigOptions = {}, deps: Partial<EventBusDeps> = {}): EventBus {
      const bus = createEventBus(config, { client, topology: { partitions }, log: createLogger('events-test', { level: process.env.LOG_LEVEL ?? 'error' }), ...deps });
      buses.push(bus);
      return bus;
    },
  };
}
