/**
 * What `dlq redrive` and `dlq purge` did, so they are not done twice. Kafka cannot delete single
 * records, so a dead letter stays in `tasks.<queue>.dlq` after it was redriven; instead a marker
 * is written to `tasks.<queue>.dlq-redriven` (compacted, one partition, created on first use),
 * keyed by the entry's `<partition>/<offset>`, in the same transaction as the redriven record.
 * list, redrive and purge skip marked entries. A marker names the record's timestamp too, so it
 * does not apply to a different record at the same coordinates (the DLQ topic was recreated).
 *
 * The topic name is the CLI's own; it belongs in the libs/kafka topic catalog once the worker
 * or another service needs it.
 */
import { TASK_HEADERS, taskDlqRedrivenTopic, taskDlqTopic, type AdminPort, type IncomingRecord, type KafkaClient, type OutgoingRecord } from '@switchyard/kafka';
import { z } from 'zod';
import { readTopicSnapshot } from './topic-snapshot.js';
import type { DlqEntryState } from './dlq-entry.js';

/** Value of the `format` field of a marker. */
export const DLQ_MARKER_V1 = 'dlq-marker.v1';

const MarkerSchema = z.object({
  format: z.literal(DLQ_MARKER_V1),
  action: z.enum(['redriven', 'purged']),
  at: z.string(),
  recordTimestamp: z.string(),
  taskId: z.string().optional(),
  to: z.string().optional(),
});

export type DlqMarker = z.infer<typeof MarkerSchema>;

/** `tasks.<queue>.dlq-redriven` (name from the libs/kafka catalog) */
export function markerTopic(queue: string): string {
  return taskDlqRedrivenTopic(queue);
}

/** Creates the marker topic if needed: one partition, the DLQ's replication factor and retention. */
export async function ensureMarkerTopic(admin: AdminPort, queue: string): Promise<void> {
  const topic = markerTopic(queue);
  if ((await admin.listTopics()).includes(topic)) return;
  const dlq = taskDlqTopic(queue);
  const [described] = await admin.describeTopics([dlq]);
  const retention = (await admin.describeTopicConfigs([dlq]))[dlq]?.['retention.ms'];
  await admin.createTopics([
    {
      topic,
      numPartitions: 1,
      replicationFactor: Math.max(1, described?.partitions[0]?.replicas.length ?? 1),
      // A marker only matters while its dead letter can still be read.
      configs: retention && retention !== '-1' ? { 'cleanup.policy': 'compact,delete', 'retention.ms': retention } : { 'cleanup.policy': 'compact' },
    },
  ]);
}

/** The markers of a queue by `<partition>/<offset>` (empty when the topic does not exist yet). */
export async function readMarkers(client: KafkaClient, admin: AdminPort, queue: string): Promise<Map<string, DlqMarker>> {
  const topic = markerTopic(queue);
  const markers = new Map<string, DlqMarker>();
  if (!(await admin.listTopics()).includes(topic)) return markers;
  for (const record of await readTopicSnapshot(client, admin, topic)) {
    const key = record.key?.toString('utf8');
    if (key === undefined) continue;
    const marker = decodeMarker(record);
    if (marker) markers.set(key, marker);
    else markers.delete(key);
  }
  return markers;
}

function decodeMarker(record: IncomingRecord): DlqMarker | undefined {
  if (record.value === null) return undefined;
  try {
    const parsed = MarkerSchema.safeParse(JSON.parse(record.value.toString('utf8')));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** The marker record of a DLQ record. */
export function markerRecord(record: IncomingRecord, action: DlqMarker['action'], nowIso: string, to?: string): OutgoingRecord {
  const taskId = record.headers[TASK_HEADERS.taskId]?.toString('utf8');
  const marker: DlqMarker = { format: DLQ_MARKER_V1, action, at: nowIso, recordTimestamp: record.timestamp, ...(taskId ? { taskId } : {}), ...(to ? { to } : {}) };
  return { key: `${record.partition}/${record.offset}`, value: JSON.stringify(marker) };
}

/** The state of a DLQ record given the markers. */
export function stateOf(record: IncomingRecord, markers: ReadonlyMap<string, DlqMarker>): DlqEntryState {
  const marker = markers.get(`${record.partition}/${record.offset}`);
  return marker && marker.recordTimestamp === record.timestamp ? marker.action : 'dead';
}
