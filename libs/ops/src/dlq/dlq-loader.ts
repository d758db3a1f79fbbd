/** Loads a source's DLQs as entries: the records up to the end at start, with their redrive state. */
import type { AdminPort, KafkaClient } from '@switchyard/kafka';
import { byDeathTime, entryFilter, toDlqEntry, type DlqEntry, type DlqFilter } from './dlq-entry.js';
import type { DlqSource } from './dlq-source.js';
import { readMarkers, stateOf } from './redrive-markers.js';
import { readTopicSnapshot } from './topic-snapshot.js';

export interface LoadedDlq {
  /** Every entry, oldest death first. */
  readonly all: readonly DlqEntry[];
  /** Entries matching the filter that are still dead (not redriven or purged). */
  readonly pending: readonly DlqEntry[];
  /** Entries matching the filter that were redriven or purged before. */
  readonly handled: readonly DlqEntry[];
  /** Records of the topics that belong to another queue sharing a named DLQ (left out of the rest). */
  readonly foreign: number;
}

/** Reads every DLQ topic of `source` and its markers. */
export async function loadDlq(client: KafkaClient, admin: AdminPort, source: DlqSource, filter: DlqFilter): Promise<LoadedDlq> {
  const [snapshots, markers] = await Promise.all([Promise.all(source.topics.map((topic) => readTopicSnapshot(client, topic))), readMarkers(client, admin, source.markerTopic)]);
  const entries = snapshots.flat().map((record) => toDlqEntry(record, stateOf(record, markers, source.markerKey), source.kind));
  const all = entries.filter((e) => source.owns(e)).sort(byDeathTime);
  const matching = all.filter(entryFilter(filter));
  return { all, pending: matching.filter((e) => e.state === 'dead'), handled: matching.filter((e) => e.state !== 'dead'), foreign: entries.length - all.length };
}
