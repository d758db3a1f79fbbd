/**
 * Example handlers for the `example` queue (`npm start` runs the worker with them). A handlers
 * module's default export maps task types to async functions; each gets a TaskContext. Its
 * `subscriptions` export adds event-bus subscriptions the same process runs.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { BusEvent, EventContext } from '@switchyard/events';
import { UnrecoverableError } from '@switchyard/protocol';
import type { TaskContext, TaskHandlers } from '@switchyard/worker';
import type { ModuleSubscription } from './handler-module.js';

interface EmailPayload {
  readonly to?: string;
  readonly subject?: string;
}

interface ImagePayload {
  readonly url?: string;
  readonly width?: number;
  readonly height?: number;
}

const handlers = {
  /** Pretends to send an email: logs, then waits 20 ms (aborted on timeout or forced shutdown). */
  async send_email(task: TaskContext) {
    const { to } = task.payload as EmailPayload;
    task.log.info({ tenant: task.tenant, to }, 'sending email');
    await sleep(20, undefined, { signal: task.signal });
    return { sent: true, to };
  },

  /** Pretends to resize an image; a missing url is permanent, so it skips retries. */
  async resize_image(task: TaskContext) {
    const { url, width = 256, height = 256 } = task.payload as ImagePayload;
    if (!url) throw new UnrecoverableError('resize_image needs payload.url');
    await sleep(5 * Math.ceil((width * height) / 65_536), undefined, { signal: task.signal });
    return { url, width, height };
  },

  /** Always throws: shows retries through the delay tiers and then the DLQ. */
  async always_fails(task: TaskContext) {
    throw new Error(`always_fails: attempt ${task.attempt} of task ${task.id} failed on purpose`);
  },
} satisfies TaskHandlers;

export default handlers;

/**
 * `example-audit` (consumer group `switchyard.events.example-audit`): logs every event of the
 * `example` domain. `npm start` publishes a few `example.greeted` events at start; publish more with
 * `npx tsx services/worker/src/example-producer.ts --events 5`.
 */
export const subscriptions = [
  {
    name: 'example-audit',
    handlers: [
      {
        id: 'log-example-event',
        eventName: 'example.*',
        async handler(event: BusEvent, ctx: EventContext) {
          ctx.log.info({ event: event.name, id: event.id, tenant: event.metadata.tenantId, payload: event.payload, attempt: ctx.attempt }, 'example event handled');
        },
      },
    ],
  },
] satisfies ModuleSubscription[];
