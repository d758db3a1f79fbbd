import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { SwitchyardError, TaskPriority, TaskStatus } from '@switchyard/protocol';
import type { TaskStatusRecord } from '@switchyard/kafka';
import type { EnqueueOptions, EnqueueTask, TaskProducer } from '@switchyard/worker';
import { canSee, TenantSchema, tenantForWrite, type Credential } from '../auth/credential.js';
import { idempotentId } from '../http/idempotency.js';
import type { ResourceDefinition } from './resource-definition.js';
import type { TaskStatusViews } from './task-status-views.js';
import type { GatewayTaskType } from './type-definitions.js';

/** Fields every task body may carry besides `type` and `payload`. */
const TaskFields = {
  priority: TaskPriority.optional().describe('Lane of the task (default normal)'),
  orderingKey: z.string().min(1).max(256).optional().describe("Tasks with one key run in order (default: the tenant)"),
  scheduledAt: z.iso.datetime({ offset: true }).optional().describe('Run not before this time'),
  timeoutMs: z.number().int().min(1).max(86_400_000).optional().describe('Handler timeout, ms'),
  tenant: TenantSchema.optional().describe("Tenant of the task; default and only allowed value: the credential's tenant (an admin may name any)"),
};

const TaskReceipt = z.object({
  id: z.string(),
  type: z.string(),
  queue: z.string(),
  status: z.literal('queued'),
  topic: z.string(),
  partition: z.number().int(),
  notBefore: z.string().optional(),
});

const TaskStatusBody = z.looseObject({
  id: z.string(),
  type: z.string(),
  queue: z.string(),
  tenant: z.string().optional(),
  status: z.string(),
  attempt: z.number().int(),
  updatedAt: z.string(),
  nextAttemptAt: z.string().optional(),
  result: z.unknown().optional(),
  progress: z.unknown().optional(),
});

/** Statuses after which a cancellation has nothing left to stop. */
const FINISHED = new Set(['completed', 'cancelled', 'dead']);

const CancelReceipt = z.object({ id: z.string(), queue: z.string(), status: z.string().describe('Status when the cancellation was requested'), cancelRequested: z.literal(true) });

/** Keyset cursor of the task list (newest update first, then id): the last item's updatedAt and id. */
const cursorOf = (s: { updatedAt: string; taskId: string }) => Buffer.from(JSON.stringify([s.updatedAt, s.taskId])).toString('base64url');
function afterCursor(cursor: string): (s: { updatedAt: string; taskId: string }) => boolean {
  let key: unknown;
  try {
    key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    key = undefined;
  }
  if (!Array.isArray(key) || key.length !== 2 || typeof key[0] !== 'string' || typeof key[1] !== 'string') {
    throw new SwitchyardError('SY_INVALID_ARGUMENT', 'query.cursor is not a cursor of this list.', { hint: 'Pass the nextCursor of a previous page, or leave it out for the first page.', details: { field: 'query.cursor' } });
  }
  const [updatedAt, id] = key as [string, string];
  return (s) => s.updatedAt < updatedAt || (s.updatedAt === updatedAt && s.taskId > id);
}

export interface TasksResourceDeps {
  readonly producer: TaskProducer;
  readonly statuses: TaskStatusViews;
  readonly taskTypes: readonly GatewayTaskType[];
}

/** The body of one task: a union over the registered task types, on `type`, each with its payload schema. */
function taskBody(taskTypes: readonly GatewayTaskType[]): z.ZodType {
  const options = taskTypes.map((t) => z.strictObject({ type: z.literal(t.type).describe(t.description ?? `Task type ${t.type} (queue ${t.queue})`), payload: t.payload, ...TaskFields }).meta({ title: `${t.type} task` }));
  return options.length === 1 ? options[0]! : z.discriminatedUnion('type', options as unknown as [z.ZodObject, z.ZodObject, ...z.ZodObject[]]);
}

type TaskBody = { type: string; payload: unknown; priority?: TaskPriority; orderingKey?: string; scheduledAt?: string; timeoutMs?: number; tenant?: string };

/**
 * `tasks`: create = enqueue to the type's queue (typed payload), batch = many in one
 * transaction, read = the latest status from the queue's status view (only the credential's
 * tenant's tasks; another tenant's task is "not found", exactly like an unknown id), list = the
 * queue's tasks newest update first from the same view (the whole compacted status topic is in
 * memory: a list sorts it, O(n log n) per page), delete = cancel through the queue's cancel topic
 * (a worker skips the task if it has not started, or aborts its handler; refused once finished).
 */
// eslint-disable-next-line max-lines-per-function -- a resource definition is one declarative object (schemas, summaries, one short handler per operation), read top to bottom
export function tasksResource(deps: TasksResourceDeps): ResourceDefinition {
  const byType = new Map(deps.taskTypes.map((t) => [t.type, t]));
  const queues = [...new Set(deps.taskTypes.map((t) => t.queue))];
  const toEnqueue = (body: TaskBody, credential: Credential, id: string, field: string): { task: EnqueueTask; options: EnqueueOptions } => {
    const tenant = tenantForWrite(credential, body.tenant, field);
    const task: EnqueueTask = {
      id,
      type: body.type,
      queue: byType.get(body.type)!.queue,
      payload: body.payload,
      ...(body.priority ? { priority: body.priority } : {}),
      ...(body.scheduledAt ? { scheduledAt: body.scheduledAt } : {}),
      ...(body.timeoutMs ? { timeoutMs: body.timeoutMs } : {}),
      metadata: { createdBy: credential.id },
    };
    return { task, options: { ...(tenant ? { tenant } : {}), ...(body.orderingKey ? { orderingKey: body.orderingKey } : {}) } };
  };
  const receipt = (r: { taskId: string; queue: string; topic: string; partition: number; notBefore?: string }, type: string) => ({ id: r.taskId, type, queue: r.queue, status: 'queued' as const, topic: r.topic, partition: r.partition, ...(r.notBefore ? { notBefore: r.notBefore } : {}) });
  const body = taskBody(deps.taskTypes);
  const queueQuery = z.enum(queues as [string, ...string[]]).optional().describe(`Queue of the task (default ${queues[0]})`);
  const statusBody = (status: TaskStatusRecord) => {
    const { format: _format, taskId, metadata: _metadata, ...rest } = status;
    return { id: taskId, ...rest };
  };
  return {
    name: 'tasks',
    description: `Background tasks. Registered types: ${deps.taskTypes.map((t) => `${t.type} (queue ${t.queue})`).join(', ')}.`,
    invalidCode: 'SY_INVALID_TASK',
    scopes: { write: 'tasks:write', read: 'tasks:read' },
    create: {
      body,
      response: TaskReceipt,
      summary: 'Enqueue a task',
      async handle(input, { credential, idempotencyKey }) {
        const b = input as TaskBody;
        const id = idempotencyKey ? idempotentId(credential.id, 'tasks', idempotencyKey) : randomUUID();
        const { task, options } = toEnqueue(b, credential, id, 'tenant');
        return receipt(await deps.producer.enqueue(task, options), b.type);
      },
    },
    batch: {
      item: body,
      response: z.array(TaskReceipt),
      summary: 'Enqueue up to maxBatchSize tasks in one Kafka transaction (all or none)',
      async handle(items, { credential, idempotencyKey }) {
        const bodies = items as TaskBody[];
        const work = bodies.map((b, i) => toEnqueue(b, credential, idempotencyKey ? idempotentId(credential.id, 'tasks/batch', idempotencyKey, i) : randomUUID(), `items[${i}].tenant`));
        const receipts = await deps.producer.enqueueMany(work);
        return receipts.map((r, i) => receipt(r, bodies[i]!.type));
      },
    },
    read: {
      query: z.strictObject({ queue: queueQuery }),
      response: TaskStatusBody,
      summary: "A task's latest status",
      async handle(id, query, { credential }) {
        const q = (query as { queue?: string }).queue ?? queues[0]!;
        const status = await deps.statuses.get(q, id);
        if (!status || !canSee(credential, status.tenant)) return undefined;
        return statusBody(status);
      },
    },
    list: {
      query: z.strictObject({
        queue: queueQuery,
        status: TaskStatus.optional().describe('Only tasks in this status'),
        type: z.string().min(1).max(200).optional().describe('Only tasks of this type'),
        limit: z.coerce.number().int().min(1).max(200).default(50).describe('Items per page'),
        cursor: z.string().regex(/^[A-Za-z0-9_-]{1,800}$/, 'expected the nextCursor of a previous page').optional().describe('nextCursor of the previous page'),
      }),
      item: TaskStatusBody,
      summary: "A queue's tasks, most recently updated first",
      async handle(query, { credential }) {
        const q = query as { queue?: string; status?: string; type?: string; limit: number; cursor?: string };
        const after = q.cursor === undefined ? () => true : afterCursor(q.cursor);
        const visible = (await deps.statuses.list(q.queue ?? queues[0]!))
          .filter((s) => canSee(credential, s.tenant) && (q.status === undefined || s.status === q.status) && (q.type === undefined || s.type === q.type))
          .sort((a, b) => (a.updatedAt === b.updatedAt ? a.taskId.localeCompare(b.taskId) : a.updatedAt < b.updatedAt ? 1 : -1));
        const rest = visible.filter(after);
        const page = rest.slice(0, q.limit);
        const last = page.at(-1);
        return { items: page.map(statusBody), pagination: { limit: q.limit, cursor: q.cursor ?? null, nextCursor: rest.length > page.length && last ? cursorOf(last) : null, total: visible.length } };
      },
    },
    delete: {
      query: z.strictObject({ queue: queueQuery }),
      response: CancelReceipt,
      summary: 'Cancel a task (skipped if not started, its handler aborted if running)',
      async handle(id, query, { credential }) {
        const q = (query as { queue?: string }).queue ?? queues[0]!;
        const status = await deps.statuses.get(q, id);
        if (!status || !canSee(credential, status.tenant)) return undefined;
        if (FINISHED.has(status.status)) {
          throw new SwitchyardError('SY_OPERATION_REFUSED', `Task ${id} is ${status.status}: there is nothing left to cancel.`, { hint: 'Only a task that has not finished (queued, processing, failed awaiting a retry) can be cancelled.', details: { field: 'params.id' } });
        }
        await deps.producer.cancel(q, id);
        return { id, queue: q, status: status.status, cancelRequested: true as const };
      },
    },
  };
}
