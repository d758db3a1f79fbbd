import { z } from 'zod';
import type { AdminPort, KafkaClient } from '@switchyard/kafka';
import { buildReport, groupByQueue, queuesIn, registeredDlqs } from '@switchyard/ops';
import { clusterCatalogOperations } from './cluster-catalog.js';
import type { ResourceDefinition } from './resource-definition.js';
import type { GatewayTaskType } from './type-definitions.js';

const TopicRowBody = z.object({
  topic: z.string(),
  kind: z.string(),
  partitions: z.number().int(),
  replicationFactor: z.number().int(),
  retentionMs: z.string().nullable(),
  cleanupPolicy: z.string().nullable(),
  records: z.number().int(),
});

const QueueBody = z.object({
  name: z.string(),
  /** Task types this gateway enqueues to the queue (its TypeRegistry). */
  taskTypes: z.array(z.string()),
  topics: z.array(TopicRowBody),
});

export interface QueuesResourceDeps {
  readonly client: KafkaClient;
  readonly admin: AdminPort;
  readonly taskTypes: readonly GatewayTaskType[];
}

/**
 * `queues` (read-only): the queues on the cluster (any task topic counts, as `switchyard topics`
 * finds them) with their topology from libs/ops buildReport: each task topic's kind, partitions,
 * replication, retention, cleanup policy and retained records (named DLQs included). A queue is
 * shared by every tenant and its record counts span them, so this is an admin read without a
 * tenant (403 for a tenant-bound admin). List pages are by name; each page reads the topics of
 * its queues only.
 */
export function queuesResource(deps: QueuesResourceDeps): ResourceDefinition {
  const typesOf = (queue: string) => deps.taskTypes.filter((t) => t.queue === queue).map((t) => t.type);
  const reports = async (topics: readonly string[], names: readonly string[]) => {
    const named = await registeredDlqs(deps.client, topics);
    const grouped = new Map([...groupByQueue(topics, undefined, named)].filter(([q]) => names.includes(q)));
    return (await buildReport(deps.admin, grouped)).map((r) => ({ name: r.queue, taskTypes: typesOf(r.queue), topics: r.topics.map((t) => ({ topic: t.topic, kind: t.kind, partitions: t.partitions, replicationFactor: t.replicationFactor, retentionMs: t.retentionMs, cleanupPolicy: t.cleanupPolicy, records: t.records })) }));
  };
  return {
    name: 'queues',
    description: 'Task queues on the cluster and their topics (read-only; admin without a tenant).',
    invalidCode: 'SY_INVALID_ARGUMENT',
    scopes: { write: 'admin', read: 'admin' },
    ...clusterCatalogOperations(deps.admin, {
      item: QueueBody,
      listSummary: 'Queues on the cluster with their topology, by name',
      readSummary: "One queue's topology",
      listWhat: 'The queue list',
      readWhat: 'A queue topology',
      entries: (topics) => new Map(queuesIn(topics).map((name) => [name, name])),
      describe: (topics, page) => reports(topics, page.map(([name]) => name)),
    }),
  };
}
