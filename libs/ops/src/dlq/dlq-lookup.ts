/** Finds the DLQ entries a `show` asks for: by task/event id, or by partition and offset. */
import { opsError } from '../ops-error.js';
import type { DlqEntry } from './dlq-entry.js';

/** Which entry: an id (task id or event id), or coordinates in the DLQ topic(s). */
export type DlqEntryTarget = { readonly id: string } | { readonly partition: number; readonly offset: string };

/**
 * The entries with the id (each death of a task is one), or at the coordinates, oldest first; the
 * latest is the last. Coordinates that name entries of several DLQ topics (a subscription's
 * domains) are ambiguous: SY_INVALID_ARGUMENT.
 */
export function findDlqEntries(all: readonly DlqEntry[], target: DlqEntryTarget): DlqEntry[] {
  if ('id' in target) return all.filter((e) => e.id === target.id);
  const found = all.filter((e) => e.record.partition === target.partition && e.record.offset === target.offset);
  const topics = [...new Set(found.map((e) => e.record.topic))];
  if (topics.length > 1) {
    throw opsError('SY_INVALID_ARGUMENT', `Partition ${target.partition} offset ${target.offset} is an entry of ${topics.length} DLQs: ${topics.join(', ')}.`, 'Give `domain` too (the domain of the DLQ topic, events.<domain>.dlq.<subscription>).');
  }
  return found;
}
