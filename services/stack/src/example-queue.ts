import type { QueueConfigInput } from '@switchyard/protocol';

/** The queue `npm start` lays out so there is something to look at and to enqueue into. */
export const EXAMPLE_QUEUE: QueueConfigInput = {
  name: 'example',
  concurrency: 5,
  defaultRetryPolicy: { maxRetries: 3, backoffStrategy: 'exponential', initialDelayMs: 1000, maxDelayMs: 60000, backoffMultiplier: 2 },
  deadLetterQueue: 'tasks.example.dlq',
};
