/**
 * Example handlers for the `example` queue (`npm start` runs the worker with them). A handlers
 * module's default export maps task types to async functions; each gets a TaskContext.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { UnrecoverableError } from '@switchyard/protocol';
import type { TaskContext, TaskHandlers } from '@switchyard/worker';

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
