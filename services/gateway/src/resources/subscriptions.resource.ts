import { z } from 'zod';
import { parseEventDlqTopic, parseSubscriptionTopic, subscriptionGroup, type AdminPort } from '@switchyard/kafka';
import { clusterCatalogOperations } from './cluster-catalog.js';
import type { ResourceDefinition } from './resource-definition.js';

const SubscriptionBody = z.object({
  name: z.string(),
  /** The subscription's consumer group and its state (`Dead` = no group on the cluster). */
  group: z.object({ id: z.string(), state: z.string(), members: z.number().int() }),
  /** `switchyard.subscription.<name>.*` topics (the runtime creates its replay topic at start). */
  topics: z.array(z.string()),
  /** Its DLQ topics, one per event domain it failed on (`events.<domain>.dlq.<name>`). */
  deadLetterTopics: z.array(z.object({ domain: z.string(), topic: z.string() })),
});

/** Subscriptions the cluster knows, by name: those with a subscription topic or a DLQ topic. */
function subscriptionsOn(topics: readonly string[]): Map<string, { topics: string[]; dlqs: { domain: string; topic: string }[] }> {
  const found = new Map<string, { topics: string[]; dlqs: { domain: string; topic: string }[] }>();
  const entry = (name: string) => found.get(name) ?? found.set(name, { topics: [], dlqs: [] }).get(name)!;
  for (const topic of [...topics].sort()) {
    const own = parseSubscriptionTopic(topic);
    if (own) entry(own.subscription).topics.push(topic);
    const dlq = parseEventDlqTopic(topic);
    if (dlq) entry(dlq.subscription).dlqs.push({ domain: dlq.domain, topic });
  }
  // An event route's DLQ (`events.<domain>.dlq.route-<id>`) has the same form: a name seen only there is a route, not a subscription.
  return new Map([...found].filter(([name, f]) => f.topics.length > 0 || !name.startsWith('route-')).sort(([a], [b]) => a.localeCompare(b)));
}

/**
 * `subscriptions` (read-only): the event-bus subscriptions the cluster knows, found as the ops
 * engine finds them (their `switchyard.subscription.<name>.*` topics, their DLQ topics), with
 * their consumer group's state. Subscriptions are deployed code, not tenant data, and their
 * groups span tenants: an admin read without a tenant. Which event types a subscription handles
 * lives in its process, not on the cluster, so it is not here.
 */
export function subscriptionsResource(admin: AdminPort): ResourceDefinition {
  const describe = async (name: string, found: { topics: string[]; dlqs: { domain: string; topic: string }[] }) => {
    const group = await admin.describeGroup(subscriptionGroup(name));
    return { name, group: { id: group.groupId, state: group.state, members: group.members.length }, topics: found.topics, deadLetterTopics: found.dlqs };
  };
  return {
    name: 'subscriptions',
    description: 'Event-bus subscriptions on the cluster (read-only; admin without a tenant).',
    invalidCode: 'SY_INVALID_ARGUMENT',
    scopes: { write: 'admin', read: 'admin' },
    ...clusterCatalogOperations(admin, {
      item: SubscriptionBody,
      listSummary: 'Subscriptions on the cluster, by name',
      readSummary: 'One subscription',
      listWhat: 'The subscription list',
      readWhat: 'A subscription',
      entries: subscriptionsOn,
      describe: (_topics, page) => Promise.all(page.map(([name, found]) => describe(name, found))),
    }),
  };
}
