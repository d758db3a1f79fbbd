import { QueueConfigSchema, WorkerConfigSchema } from '@switchyard/protocol';
import type { WorkerOptions } from './worker.options.js';

/** A configuration field the worker accepts but that has no effect on Kafka, and why. */
export interface UnsupportedField {
  /** Path in WorkerOptions.config, e.g. `pollIntervalMs` or `queueConfigs[0].autoScale`. */
  readonly field: string;
  readonly reason: string;
}

/** The protocol defaults (from the schemas, not restated here). */
const DEFAULT_POLL_INTERVAL_MS = WorkerConfigSchema.shape.pollIntervalMs.parse(undefined);
const DEFAULT_VISIBILITY_TIMEOUT_MS = WorkerConfigSchema.shape.visibilityTimeoutMs.parse(undefined);
const DEFAULT_QUEUE_PRIORITY = QueueConfigSchema.shape.priority.parse(undefined);

/**
 * The fields of a worker's config that ask for something this worker does not do on Kafka, one
 * entry each with the reason; the worker logs one warning per entry when created
 * (`worker.unsupported`). A field at its protocol default asks for nothing and is not listed, so a
 * config parsed with the protocol schema (defaults filled in) warns only about what was set.
 */
export function unsupportedWorkerFields(options: WorkerOptions): UnsupportedField[] {
  const config = options.config;
  const fields: UnsupportedField[] = [];
  if (config.pollIntervalMs !== DEFAULT_POLL_INTERVAL_MS) {
    fields.push({ field: 'pollIntervalMs', reason: 'a Kafka consumer long-polls: fetches return as soon as records arrive (at most 100 ms after), so there is no poll interval to set' });
  }
  if (config.visibilityTimeoutMs !== DEFAULT_VISIBILITY_TIMEOUT_MS) {
    fields.push({
      field: 'visibilityTimeoutMs',
      reason: `Kafka hands a partition, not a message, to one worker: a task is redelivered when its worker leaves the group or stops heartbeating for sessionTimeoutMs (${options.sessionTimeoutMs} ms here; set WorkerOptions.sessionTimeoutMs), and a running task is bounded by its timeoutMs`,
    });
  }
  const served = new Set(config.queues);
  (config.queueConfigs ?? []).forEach((queue, i) => {
    const at = `queueConfigs[${i}]`;
    if (!served.has(queue.name)) fields.push({ field: `${at}.name`, reason: `queue "${queue.name}" is not in queues [${[...served].join(', ')}]: this worker does not serve it, so its configuration is not used` });
    if (queue.autoScale?.enabled) {
      fields.push({
        field: `${at}.autoScale`,
        reason: 'Switchyard does not start or stop processes: run more workers with the same name (at most one per lane partition) and scale them on the consumer lag metric (e.g. KEDA Kafka scaler)',
      });
    }
    if (queue.priority !== DEFAULT_QUEUE_PRIORITY && served.size === 1) {
      fields.push({ field: `${at}.priority`, reason: 'priority weighs the queues one worker serves against each other; this worker serves one queue' });
    }
  });
  return fields;
}
