import type { WorkerOptions, WorkerOptionsInput } from './worker.options.js';

/** A configuration field the worker accepts but that has no effect on Kafka, and why. */
export interface UnsupportedField {
  /** Path in WorkerOptions.config, e.g. `pollIntervalMs` or `queueConfigs[0].autoScale`. */
  readonly field: string;
  readonly reason: string;
}

/**
 * The fields of a WorkerConfig (as given, before defaults) that this worker accepts and does not
 * act on, one entry each with the reason; the worker logs one warning per entry when created
 * (`worker.unsupported`). Fields left out are not listed: their defaults change nothing.
 */
export function unsupportedWorkerFields(input: WorkerOptionsInput, options: WorkerOptions): UnsupportedField[] {
  const given = input.config;
  const fields: UnsupportedField[] = [];
  if (given.pollIntervalMs !== undefined) {
    fields.push({ field: 'pollIntervalMs', reason: 'a Kafka consumer long-polls: fetches return as soon as records arrive (at most 100 ms after), so there is no poll interval to set' });
  }
  if (given.visibilityTimeoutMs !== undefined) {
    fields.push({
      field: 'visibilityTimeoutMs',
      reason: `Kafka hands a partition, not a message, to one worker: a task is redelivered when its worker leaves the group or stops heartbeating for sessionTimeoutMs (${options.sessionTimeoutMs} ms here; set WorkerOptions.sessionTimeoutMs), and a running task is bounded by its timeoutMs`,
    });
  }
  const served = new Set(options.config.queues);
  (given.queueConfigs ?? []).forEach((queue, i) => {
    const at = `queueConfigs[${i}]`;
    if (!served.has(queue.name)) fields.push({ field: `${at}.name`, reason: `queue "${queue.name}" is not in queues [${[...served].join(', ')}]: this worker does not serve it, so its configuration is not used` });
    if (queue.autoScale !== undefined) {
      fields.push({
        field: `${at}.autoScale`,
        reason: 'Switchyard does not start or stop processes: run more workers with the same name (at most one per lane partition) and scale them on the consumer lag metric (e.g. KEDA Kafka scaler)',
      });
    }
    if (queue.priority !== undefined && served.size === 1) {
      fields.push({ field: `${at}.priority`, reason: 'priority weighs the queues one worker serves against each other; this worker serves one queue' });
    }
  });
  return fields;
}
