import { z } from 'zod';

/**
 * Small building blocks shared by the protocol schemas: ISO datetimes, snake_case ids,
 * queue names and function-typed fields.
 */

/** Pattern of snake_case handler ids (task `type`, job `name`), from the seed. */
export const SNAKE_CASE_ID_PATTERN = /^[a-z_][a-z0-9_]*$/;

/**
 * Pattern of queue names. Queue names become part of Kafka topic names
 * (`tasks.<queue>.<lane>`), so they are lowercase, start with a letter and are 1-100 chars.
 */
export const QUEUE_NAME_PATTERN = /^[a-z][a-z0-9_-]{0,99}$/;

/** ISO-8601 datetime with optional UTC offset, e.g. `2026-01-31T10:00:00Z` or `...+02:00`. */
export function isoDateTime(): z.ZodISODateTime {
  return z.iso.datetime({ offset: true });
}

/** A snake_case identifier such as a task type (`send_email`). */
export function snakeCaseId(): z.ZodString {
  return z.string().regex(SNAKE_CASE_ID_PATTERN, {
    message: 'must be snake_case: start with a-z or _, then only a-z, 0-9 or _',
  });
}

/**
 * Queue name schema. Queue names are part of Kafka topic names (`tasks.<queue>.<lane>`).
 */
export const QueueNameSchema = z
  .string()
  .regex(QUEUE_NAME_PATTERN, {
    message:
      'must match ^[a-z][a-z0-9_-]{0,99}$ (lowercase letter first, then a-z, 0-9, _ or -, max 100 chars) because the queue name becomes part of the Kafka topic name tasks.<queue>.<lane>',
  })
  .describe('Queue name; part of the Kafka topic name tasks.<queue>.<lane>');

/** Output type of {@link QueueNameSchema}. */
export type QueueName = z.infer<typeof QueueNameSchema>;

/**
 * The longest delay a Node timer can wait: 2^31 - 1 ms (about 24.8 days). A longer `setTimeout`
 * does not wait longer: Node fires it after 1 ms, so a task timeout above it would time every
 * attempt out at once.
 */
export const MAX_TIMER_MS = 2_147_483_647;

/**
 * A duration in milliseconds that the runtime waits for with a timer (a task or handler timeout,
 * a shutdown grace period): a positive whole number of at most {@link MAX_TIMER_MS}.
 */
export function timerMs(): z.ZodNumber {
  return z
    .number()
    .int()
    .positive()
    .max(MAX_TIMER_MS, {
      message: `must be at most ${MAX_TIMER_MS} ms (about 24.8 days, the longest a Node timer waits); for longer work, split it into tasks or checkpoint and re-enqueue`,
    });
}

/**
 * A function-typed field. Functions cannot cross the wire and are `{}` in JSON Schema.
 */
export function fn<T>(): z.ZodCustom<T, T> {
  return z.custom<T>((value) => typeof value === 'function', { message: 'must be a function' });
}
