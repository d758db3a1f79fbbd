/** Loads a queue's DLQ as entries: the records up to the end at start, with their redrive state. */
import { taskDlqTopic } from '@switchyard/kafka';
import type { CliContext } from '../cli-context.js';
import { byDeathTime, matchesFilter, toDlqEntry, type DlqEntry, type DlqFilter } from './dlq-entry.js';
import { readMarkers, stateOf } from './redrive-markers.js';
import { requireQueue } from './queue-lookup.js';
import { readTopicSnapshot } from './topic-snapshot.js';

export interface LoadedDlq {
  /** Every entry, oldest death first. */
  readonly all: readonly DlqEntry[];
  /** Entries matching the filter that are still dead (not redriven or purged). */
  readonly pending: readonly DlqEntry[];
  /** Entries matching the filter that were redriven or purged before. */
  readonly handled: readonly DlqEntry[];
}

/** Reads `tasks.<queue>.dlq` and its markers (exit 2 when the queue does not exist). */
export async function loadDlq(ctx: CliContext, queue: string, filter: DlqFilter): Promise<LoadedDlq> {
  const admin = await ctx.admin();
  await requireQueue(admin, queue);
  const client = ctx.client();
  const [records, markers] = await Promise.all([readTopicSnapshot(client, admin, taskDlqTopic(queue)), readMarkers(client, admin, queue)]);
  const all = records.map((record) => toDlqEntry(record, stateOf(record, markers)));
  all.sort(byDeathTime);
  const matching = all.filter((entry) => matchesFilter(entry, filter));
  return { all, pending: matching.filter((e) => e.state === 'dead'), handled: matching.filter((e) => e.state !== 'dead') };
}
