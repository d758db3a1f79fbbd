/**
 * What `dlq redrive` and `dlq purge` did, so they are not done twice. Kafka cannot delete single
 * records, so a dead letter stays in its DLQ after it was redriven; instead a marker is written to
 * the source's marker topic (compacted, one partition, created on first use), in the same
 * transaction as the redriven record: `tasks.<queue>.dlq-redriven` keyed by the entry's
 * `<partition>/<offset>`, or `switchyard.subscription.<sub>.dlq-redriven` keyed by
 * `<dlq topic>/<partition>/<offset>` (a subscription has one DLQ per domain).
 * list, redrive and purge skip marked entries. A marker names the record's timestamp too, so it
 * does not apply to a different record at the same coordinates (the DLQ topic was recreated).
 */
import { decodeJsonValue } from '@switchyard/kafka';
import type { AdminPort, IncomingRecord, KafkaClient, OutgoingRecord } from '@switchyard/kafka';
import { z } from 'zod';
import { readTopicSnapshot } from './topic-snapshot.js';
import type { DlqEntry, DlqEntryState } from './dlq-entry.js';

/** Value of the `format` field of a marker. */
export const DLQ_MARKER_V1 = 'dlq-marker.v1';

const MarkerSchema = z.object({
  format: z.literal(DLQ_MARKER_V1),
  action: z.enum(['redriven', 'purged']),
  at: z.string(),
  recordTimestamp: z.string(),
  taskId: z.string().optional(),
  eventId: z.string().optional(),
  to: z.string().optional(),
});

export type DlqMarker = z.infer<typeof MarkerSchema>;

/** The key of a DLQ record's marker. */
export type MarkerKey = (record: Pick<IncomingRecord, 'topic' | 'partition' | 'offset'>) => string;

/** A queue's marker key: `<partition>/<offset>` of its one DLQ topic. */
export const partitionOffsetKey: MarkerKey = (record) => `${record.partition}/${record.offset}`;

/** A subscription's marker key: `<dlq topic>/<partition>/<offset>` (one DLQ per domain). */
export const topicPartitionOffsetKey: MarkerKey = (record) => `${record.topic}/${record.partition}/${record.offset}`;

/** The retention a marker needs: the longest of the DLQs' (`-1`, keep forever, wins); undefined when none is set. */
export function longestRetention(retentions: readonly (string | undefined)[]): string | undefined {
  const set = retentions.filter((r): r is string => r !== undefined);
  if (set.length === 0) return undefined;
  return set.includes('-1') ? '-1' : String(Math.max(...set.map(Number)));
}

/**
 * Creates the marker topic if needed: one partition, the DLQs' replication factor, and their
 * (longest) retention: a marker only matters while its dead letter can still be read.
 */
export async function ensureMarkerTopic(admin: AdminPort, topic: string, dlqTopics: readonly string[]): Promise<void> {
  if ((await admin.listTopics()).includes(topic)) return;
  const described = await admin.describeTopics(dlqTopics);
  const configs = await admin.describeTopicConfigs(dlqTopics);
  const retention = longestRetention(dlqTopics.map((dlq) => configs[dlq]?.['retention.ms']));
  await admin.createTopics([
    {
      topic,
      numPartitions: 1,
      replicationFactor: Math.max(1, ...described.map((d) => d.partitions[0]?.replicas.length ?? 1)),
      configs: retention && retention !== '-1' ? { 'cleanup.policy': 'compact,delete', 'retention.ms': retention } : { 'cleanup.policy': 'compact' },
    },
  ]);
}

/** The markers in `topic` by key (empty when the topic does not exist yet). */
export async function readMarkers(client: KafkaClient, admin: AdminPort, topic: string): Promise<Map<string, DlqMarker>> {
  const markers = new Map<string, DlqMarker>();
  if (!(await admin.listTopics()).includes(topic)) return markers;
  for (const record of await readTopicSnapshot(client, topic)) {
    const key = record.key?.toString('utf8');
    if (key === undefined) continue;
    const marker = decodeMarker(record);
    if (marker) markers.set(key, marker);
    else markers.delete(key);
  }
  return markers;
}

function decodeMarker(record: IncomingRecord): DlqMarker | undefined {
  return decodeJsonValue(record, MarkerSchema);
}

/** The marker record of a DLQ entry (`taskId` or `eventId` naming what it was). */
export function markerRecord(entry: Pick<DlqEntry, 'kind' | 'record' | 'id'>, key: MarkerKey, action: DlqMarker['action'], nowIso: string, to?: string): OutgoingRecord {
  const { record, id } = entry;
  const named = id === undefined ? {} : entry.kind === 'queue' ? { taskId: id } : { eventId: id };
  const marker: DlqMarker = { format: DLQ_MARKER_V1, action, at: nowIso, recordTimestamp: record.timestamp, ...named, ...(to ? { to } : {}) };
  return { key: key(record), value: JSON.stringify(marker) };
}

/** The state of a DLQ record given the markers. */
export function stateOf(record: IncomingRecord, markers: ReadonlyMap<string, DlqMarker>, key: MarkerKey): DlqEntryState {
  const marker = markers.get(key(record));
  return marker && marker.recordTimestamp === record.timestamp ? marker.action : 'dead';
}
