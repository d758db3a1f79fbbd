/**
 * Redrive and purge of one DLQ source (a queue or a subscription): load the entries and their
 * markers, pick what to redrive, write it back (to the lanes, or a subscription's replay topic)
 * together with a marker per entry, in all-or-nothing chunks. Confirmation (`--yes`) and output
 * are the front end's; the engine refuses only what is never safe.
 */
import type { AdminPort, KafkaClient } from '@switchyard/kafka';
import { opsError } from '../ops-error.js';
import type { DlqEntry, DlqFilter } from './dlq-entry.js';
import { loadDlq } from './dlq-loader.js';
import type { DlqSource } from './dlq-source.js';
import { DlqWriter, type Progress } from './dlq-writer.js';
import { ensureMarkerTopic, markerRecord } from './redrive-markers.js';

/** Makes the progress reporter of a write of `total` entries (the CLI draws a bar). */
export type ProgressFactory = (total: number) => Progress;

const NO_PROGRESS: Progress = { increment: () => undefined, stop: () => undefined };

export interface RedriveRequest {
  readonly source: DlqSource;
  readonly filter: DlqFilter;
  /** At most this many pending entries (oldest death first). */
  readonly limit?: number;
  /** Records per second; unlimited when undefined. */
  readonly rate?: number;
  /** False: only plan (a dry run); nothing is written. */
  readonly execute: boolean;
  readonly progress?: ProgressFactory;
  /** Stops the write after the chunk in flight (SY_OPERATION_INTERRUPTED); see WriteOptions.signal. */
  readonly signal?: AbortSignal;
}

/** How a purge reports progress and is stopped. */
export interface PurgeOptions {
  readonly progress?: ProgressFactory;
  /** Stops the marking after the chunk in flight (SY_OPERATION_INTERRUPTED); nothing is deleted then. */
  readonly signal?: AbortSignal;
}

export interface RedriveOutcome {
  /** Entries matching the filter, pending or handled before. */
  readonly matched: number;
  /** The entries chosen for redrive (all written when `executed`). */
  readonly redrivable: readonly DlqEntry[];
  /** Chosen entries per target topic. */
  readonly targets: Readonly<Record<string, number>>;
  readonly skippedReasons: { readonly alreadyRedrivenOrPurged: number; readonly notADeadLetter: number; readonly overLimit: number };
  /** Entries written (0 unless executed). */
  readonly redriven: number;
  /** True when the entries were written. */
  readonly executed: boolean;
}

/** Entries per target topic. */
function targetsOf(entries: readonly DlqEntry[], source: DlqSource): Record<string, number> {
  const targets: Record<string, number> = {};
  for (const entry of entries) {
    const target = source.targetOf(entry);
    targets[target] = (targets[target] ?? 0) + 1;
  }
  return targets;
}

/** Opens the writer before reading, so the markers read are final (see DlqWriter). */
async function openWriter(client: KafkaClient, admin: AdminPort, source: DlqSource): Promise<DlqWriter> {
  await ensureMarkerTopic(admin, source.markerTopic, source.topics);
  return DlqWriter.open(client, source.transactionalId);
}

/** Plans a redrive and, with `execute`, writes it (entries already redriven or purged are skipped). */
export async function redriveDlq(client: KafkaClient, admin: AdminPort, request: RedriveRequest): Promise<RedriveOutcome> {
  const { source } = request;
  await source.checkRedriveTarget(admin);
  const writer = request.execute ? await openWriter(client, admin, source) : undefined;
  try {
    const { pending, handled } = await loadDlq(client, admin, source, request.filter);
    const selected = pending.slice(0, request.limit);
    const redrivable = selected.filter((e) => e.info !== undefined);
    const skippedReasons = { alreadyRedrivenOrPurged: handled.length, notADeadLetter: selected.length - redrivable.length, overLimit: pending.length - selected.length };
    const plan = { matched: pending.length + handled.length, redrivable, targets: targetsOf(redrivable, source), skippedReasons };
    if (!writer || redrivable.length === 0) return { ...plan, redriven: 0, executed: false };
    await source.prepareRedrive(admin);
    const redriven = await writer.write(redrivable, {
      ...(request.rate !== undefined ? { rate: request.rate } : {}),
      ...(request.signal ? { signal: request.signal } : {}),
      progress: request.progress?.(redrivable.length) ?? NO_PROGRESS,
      writesOf: (entry, nowIso) => [...source.redriveWrites(entry, nowIso), { topic: source.markerTopic, records: [markerRecord(entry, source.markerKey, 'redriven', nowIso, source.targetOf(entry))] }],
    });
    return { ...plan, redriven, executed: true };
  } finally {
    await writer?.close();
  }
}

/**
 * Marks every pending entry purged, then deletes the DLQ topics' records below the end they had
 * when the purge started. Refused (SY_OPERATION_REFUSED) when a shared named DLQ holds other
 * queues' dead letters. Resolves the number of entries purged (0: nothing left).
 */
export async function purgeDlq(client: KafkaClient, admin: AdminPort, source: DlqSource, { progress, signal }: PurgeOptions = {}): Promise<number> {
  // The end of each DLQ now: everything below it is deleted once it is marked.
  const ends = await Promise.all(source.topics.map(async (topic) => ({ topic, offsets: (await admin.topicOffsets(topic)).map((o) => ({ partition: o.partition, offset: o.high })) })));
  const writer = await openWriter(client, admin, source);
  try {
    const { pending, foreign } = await loadDlq(client, admin, source, {});
    if (foreign > 0) {
      throw opsError(
        'SY_OPERATION_REFUSED',
        `Refused: ${source.label} also holds ${foreign} dead letter(s) of other queues, and a purge deletes whole topic prefixes.`,
        `Purge it as each queue that shares it only after redriving the others, or purge the topic with kafka-delete-records.`,
      );
    }
    if (pending.length === 0) return 0;
    const purged = await writer.write(pending, {
      progress: progress?.(pending.length) ?? NO_PROGRESS,
      ...(signal ? { signal } : {}),
      writesOf: (entry, nowIso) => [{ topic: source.markerTopic, records: [markerRecord(entry, source.markerKey, 'purged', nowIso)] }],
    });
    for (const { topic, offsets } of ends) await admin.deleteRecords(topic, offsets);
    return purged;
  } finally {
    await writer.close();
  }
}
