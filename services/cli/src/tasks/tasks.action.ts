/** `tasks enqueue` and `tasks status`. */
import type { TaskPriority } from '@switchyard/protocol';
import { TaskProducer } from '@switchyard/worker';
import { requireQueue } from '@switchyard/ops';
import type { CliContext } from '../cli-context.js';
import { readPayload } from './tasks-flags.js';

export interface EnqueueFlags {
  readonly queue: string;
  readonly type: string;
  readonly payload?: string;
  readonly payloadFile?: string;
  readonly priority?: TaskPriority;
  readonly tenant?: string;
  readonly orderingKey?: string;
  readonly id?: string;
  readonly scheduledAt?: string;
  readonly createdBy?: string;
  readonly tag?: readonly string[];
}

export async function enqueueAction(ctx: CliContext, flags: EnqueueFlags): Promise<void> {
  const payload = await readPayload(flags);
  await requireQueue(await ctx.admin(), flags.queue);
  const producer = new TaskProducer({ client: ctx.client(), queues: [flags.queue] });
  try {
    const receipt = await producer.enqueue(
      {
        type: flags.type,
        queue: flags.queue,
        payload,
        ...(flags.id !== undefined ? { id: flags.id } : {}),
        ...(flags.priority !== undefined ? { priority: flags.priority } : {}),
        ...(flags.scheduledAt !== undefined ? { scheduledAt: flags.scheduledAt } : {}),
        ...(flags.createdBy !== undefined || flags.tag !== undefined
          ? { metadata: { ...(flags.createdBy !== undefined ? { createdBy: flags.createdBy } : {}), ...(flags.tag !== undefined ? { tags: [...flags.tag] } : {}) } }
          : {}),
      },
      { ...(flags.tenant !== undefined ? { tenant: flags.tenant } : {}), ...(flags.orderingKey !== undefined ? { orderingKey: flags.orderingKey } : {}) },
    );
    const when = receipt.notBefore ? `, not before ${receipt.notBefore}` : '';
    ctx.print(receipt, `Enqueued task ${receipt.taskId} to ${receipt.topic} partition ${receipt.partition}${when}.`);
  } finally {
    await producer.disconnect();
  }
}

export async function statusAction(ctx: CliContext, flags: { queue: string; id: string }): Promise<void> {
  const status = await (await ctx.statusViews()).require(flags.queue, flags.id);
  const lines: [string, string | undefined][] = [
    ['task', status.taskId],
    ['queue', status.queue],
    ['type', status.type],
    ['tenant', status.tenant],
    ['created', status.metadata?.createdAt],
    ['updated', status.metadata?.updatedAt],
    ['created by', status.metadata?.createdBy],
    ['tags', status.metadata?.tags?.join(', ')],
    ['status', status.status],
    ['attempt', String(status.attempt)],
    ['updated', status.updatedAt],
    ['next attempt', status.nextAttemptAt],
    ['error', status.result?.error ? `${status.result.error.code ?? ''} ${status.result.error.message}`.trim() : undefined],
    ['result', status.result?.result !== undefined ? JSON.stringify(status.result.result) : undefined],
    ['progress', status.progress ? JSON.stringify(status.progress) : undefined],
  ];
  const shown = lines.filter((l): l is [string, string] => l[1] !== undefined);
  const width = Math.max(...shown.map(([name]) => name.length));
  ctx.print(status, shown.map(([name, value]) => `${name.padEnd(width)}  ${value}`).join('\n'));
}
