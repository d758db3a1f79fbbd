import { describe, expect, it } from 'vitest';
import type { IncomingRecord } from '@switchyard/kafka';
import { replayTopicHeaders } from '../subscription/replay-record.js';
import type { ChunkWriter, CopyChunk } from './copy-writer.js';
import { RangeCopier, replayedRecord, replayStamp } from './range-copier.js';
import { ReplayPacer } from './replay-pacer.js';
import { ReplayStats } from './replay-stats.js';

const record: IncomingRecord = {
  topic: 'events.user',
  partition: 1,
  offset: '42',
  key: Buffer.from('acme'),
  value: Buffer.from('{}'),
  headers: { ce_type: Buffer.from('user.created'), 'sy-event-attempt': Buffer.from('2') },
  timestamp: '0',
};
const at = new Date('2024-05-01T10:00:00Z');
const stamp = replayStamp('r1', at, record.topic, record.partition);

describe('replayedRecord', () => {
  it('keeps the headers and adds where and when it was copied', () => {
    const copy = replayedRecord(record, stamp);
    expect(copy.headers).toMatchObject({ ce_type: record.headers.ce_type, 'sy-event-attempt': record.headers['sy-event-attempt'], 'sy-replay-origin': Buffer.from('events.user/1/42'), 'sy-replayed-at': Buffer.from(at.toISOString()), 'sy-replay-id': Buffer.from('r1') });
  });

  it('starts from the rewritten headers for a subscription target', () => {
    const copy = replayedRecord(record, stamp, (headers) => replayTopicHeaders(headers, ['h1']));
    expect(copy.headers).not.toHaveProperty('sy-event-attempt');
    expect(copy.headers).toMatchObject({ ce_type: record.headers.ce_type, 'sy-event-target-handlers': 'h1', 'sy-replay-origin': Buffer.from('events.user/1/42') });
  });
});

describe('RangeCopier', () => {
  const control = { heartbeat: async () => undefined, isRunning: () => true, isStale: () => false, resolveOffset: () => undefined };
  const batchOf = (offsets: number[], lastOffset = offsets.at(-1)!) => ({
    topic: 't',
    partition: 0,
    highWatermark: String(lastOffset + 1),
    lastOffset: String(lastOffset),
    records: offsets.map((o) => ({ ...record, topic: 't', partition: 0, offset: String(o), key: Buffer.from(`k${o}`) })),
  });

  function copierOf(options: { start?: bigint; end?: bigint; matches?: (r: IncomingRecord) => boolean; dryRun?: boolean } = {}) {
    const chunks: CopyChunk[] = [];
    const writer: ChunkWriter = { write: async (chunk: CopyChunk) => (chunks.push(chunk), true), stop: async () => undefined };
    const copier = new RangeCopier({
      replayId: 'r1',
      ranges: [{ partition: 0, start: 0n, end: options.end ?? 100n, position: options.start ?? 0n }],
      matches: options.matches ?? (() => true),
      pacer: new ReplayPacer({}),
      stats: new ReplayStats(),
      writer,
      dryRun: options.dryRun ?? false,
      signal: new AbortController().signal,
    });
    return { copier, chunks };
  }

  it('hands over the copies of the unread range with the progress right after them', async () => {
    const { copier, chunks } = copierOf({ start: 3n, end: 8n });
    await copier.copy(batchOf([1, 2, 3, 4, 5]), control);
    await copier.copy(batchOf([4, 5, 6, 7, 8, 9]), control);
    expect(chunks.map((c) => [c.records.map((r) => r.key?.toString()), c.position])).toEqual([
      [['k3', 'k4', 'k5'], 6n],
      [['k6', 'k7'], 8n],
    ]);
    expect(copier.isRead(0)).toBe(true);
    // Only the writer's commit makes it done.
    expect(copier.isDone(0)).toBe(false);
    copier.committed(0, 8n);
    expect(copier.allDone).toBe(true);
  });

  it('moves the progress past filtered records and trailing transaction markers, without copies', async () => {
    const { copier, chunks } = copierOf({ matches: (r) => r.offset === '1' });
    await copier.copy(batchOf([0, 1, 2], 4), control);
    expect(chunks.map((c) => [c.records.length, c.position])).toEqual([[1, 5n]]);
    expect(copier.position(0)).toBe(5n);
  });

  it('samples instead of copying in a dry run', async () => {
    const { copier, chunks } = copierOf({ dryRun: true });
    await copier.copy(batchOf([0, 1, 2, 3, 4, 5, 6]), control);
    expect(chunks.map((c) => [c.records.length, c.position])).toEqual([[0, 7n]]);
    expect(copier.samples.map((s) => s.offset)).toEqual(['0', '1', '2', '3', '4']);
  });
});
