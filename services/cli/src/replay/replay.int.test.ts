import { describe, expect, it, vi } from 'vitest';
import { encodeEventRecord, eventTopic, scanTopics, subscriptionGroup, subscriptionReplayTopic, type IncomingRecord, type KafkaClient, type OutgoingRecord } from '@switchyard/kafka';
import { testAdmin, testClient, uniqueName } from '@switchyard/testing';
import { jsonOf, runCli, startCli } from '../cli-process.test-support.js';

const HOUR = 3_600_000;

async function topicsOf(client: KafkaClient, partitions: number, ...names: string[]): Promise<void> {
  const admin = await testAdmin(client);
  admin.deleteAfterTest(names);
  await admin.createTopics(names.map((topic) => ({ topic, numPartitions: partitions, replicationFactor: 1, configs: {} })));
}

async function produce(client: KafkaClient, topic: string, records: readonly OutgoingRecord[]): Promise<void> {
  const producer = client.producer();
  await producer.connect();
  for (let i = 0; i < records.length; i += 2_000) await producer.send([{ topic, records: records.slice(i, i + 2_000) }]);
  await producer.disconnect();
}

const origin = (r: IncomingRecord) => r.headers['sy-replay-origin']?.toString() ?? '';

/** A CloudEvents record of `name` stamped `atMs`, keyed by its tenant. */
function eventRecord(id: string, name: string, atMs: number, extraHeaders: Record<string, string> = {}): OutgoingRecord {
  const attributes = { id, name, source: 'cli-test', timestamp: new Date(atMs).toISOString(), priority: 'normal' as const, tenantId: 'acme', contentType: 'application/json' };
  return { ...encodeEventRecord(attributes, JSON.stringify({ id }), extraHeaders), timestamp: String(atMs) };
}
const valueOf = (r: IncomingRecord) => r.value?.toString() ?? '';

/** Every committed record of `topic`, read to the end offsets it has now. */
async function readAll(client: KafkaClient, topic: string): Promise<{ records: IncomingRecord[] }> {
  const records: IncomingRecord[] = [];
  await scanTopics(client, [topic], (record) => void records.push(record));
  return { records };
}

describe('switchyard replay', () => {
  it('copies an offset range exactly: every record once, headers carry the origin', async () => {
    const client = testClient();
    const [src, dst] = [uniqueName('replay-src'), uniqueName('replay-dst')];
    await topicsOf(client, 1, src, dst);
    await produce(client, src, Array.from({ length: 100 }, (_, i) => ({ key: `k${i}`, value: `v${i}`, headers: { 'sy-tenant': 't1' }, partition: 0 })));

    const run = await runCli(['replay', '--topic', src, '--partition', '0', '--from-offset', '10', '--to-offset', '59', '--to-topic', dst, '--json']);
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ read: 50, matched: 50, written: 50, complete: true });

    const target = await readAll(client, dst);
    expect(target.records.length).toBe(50);
    expect(target.records.map(origin)).toEqual(Array.from({ length: 50 }, (_, i) => `${src}/0/${i + 10}`));
    expect(target.records.map(valueOf)).toEqual(Array.from({ length: 50 }, (_, i) => `v${i + 10}`));
    expect(target.records[0]!.key?.toString()).toBe('k10');
    expect(target.records[0]!.headers['sy-tenant']?.toString()).toBe('t1');
    expect(target.records[0]!.headers['sy-replayed-at']).toBeDefined();
  });

  it('--from 2h selects the records of the time range, with the filters', async () => {
    const client = testClient();
    const [src, dst] = [uniqueName('replay-src'), uniqueName('replay-dst')];
    await topicsOf(client, 2, src, dst);
    const now = Date.now();
    const old = Array.from({ length: 30 }, (_, i) => ({ key: `old${i}`, value: JSON.stringify({ i }), timestamp: String(now - 5 * HOUR + i) }));
    const recent = Array.from({ length: 30 }, (_, i) => ({
      key: `new${i}`,
      value: JSON.stringify({ i, order: { status: i % 2 ? 'paid' : 'open' } }),
      headers: { 'sy-task-type': i % 3 === 0 ? 'sms.send' : 'email.send' },
      timestamp: String(now - HOUR + i),
    }));
    await produce(client, src, [...old, ...recent]);

    const run = await runCli(['replay', '--topic', src, '--from', '2h', '--type', 'email.*', '--where', 'order.status=paid', '--to-topic', dst, '--json']);
    expect(run.code, run.stderr).toBe(0);
    const expected = recent.filter((_, i) => i % 2 === 1 && i % 3 !== 0).map((r) => r.key).sort();
    expect(JSON.parse(run.stdout)).toMatchObject({ read: 30, matched: expected.length, written: expected.length });
    const target = await readAll(client, dst);
    expect(target.records.map((r) => r.key?.toString()).sort()).toEqual(expected);
  });

  it('--dry-run counts and samples but writes nothing', async () => {
    const client = testClient();
    const [src, dst] = [uniqueName('replay-src'), uniqueName('replay-dst')];
    await topicsOf(client, 1, src, dst);
    await produce(client, src, Array.from({ length: 20 }, (_, i) => ({ key: `k${i}`, value: `v${i}` })));

    const run = await runCli(['replay', '--topic', src, '--from', '1h', '--to-topic', dst, '--dry-run', '--json']);
    expect(run.code, run.stderr).toBe(0);
    const summary = JSON.parse(run.stdout);
    expect(summary).toMatchObject({ dryRun: true, read: 20, matched: 20, written: 0 });
    expect(summary.samples).toHaveLength(5);
    const admin = await testAdmin(client);
    expect((await admin.topicOffsets(dst)).map((p) => p.high)).toEqual(['0']);
  });

  it('rejects a bad --from (exit 2), an unknown topic (exit 2) and an empty range (exit 3)', async () => {
    const client = testClient();
    const src = uniqueName('replay-src');
    await topicsOf(client, 1, src);
    await produce(client, src, [{ value: 'x', timestamp: String(Date.now() - 5 * HOUR) }]);
    const bad = await runCli(['replay', '--topic', src, '--from', 'yesterday-ish']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--from');
    expect((await runCli(['replay', '--topic', uniqueName('missing'), '--from', '2h'])).code).toBe(2);
    expect((await runCli(['replay', '--topic', src, '--from', '2h'])).code).toBe(3);
  });

  it('--subscription copies exactly the event range into its replay topic, for the --handlers, once', async () => {
    const client = testClient();
    const domain = uniqueName('rd').replace(/-/g, '_');
    const subscription = uniqueName('rsub');
    const src = eventTopic(domain);
    const replayTopic = subscriptionReplayTopic(subscription);
    await topicsOf(client, 2, src);
    const admin = await testAdmin(client);
    admin.deleteAfterTest([replayTopic]);
    // The subscription consumed before (the CLI refuses a subscription the cluster does not know).
    await admin.setGroupOffsets(subscriptionGroup(subscription), src, [{ partition: 0, offset: '0' }]);
    const now = Date.now();
    const type = (i: number) => `${domain}.${i % 3 === 0 ? 'deleted' : 'created'}`;
    const old = Array.from({ length: 10 }, (_, i) => eventRecord(`old-${i}`, type(i), now - 5 * HOUR + i));
    // Some in-range events carry a failed delivery's state: a fresh replay must not.
    const inRange = Array.from({ length: 20 }, (_, i) => eventRecord(`in-${i}`, type(i), now - HOUR + i, i % 4 === 0 ? { 'sy-event-attempt': '2', 'sy-event-handler': 'h9' } : {}));
    const recent = Array.from({ length: 10 }, (_, i) => eventRecord(`new-${i}`, type(i), now - 60_000 + i));
    await produce(client, src, [...old, ...inRange, ...recent]);
    const expected = inRange.map((_, i) => i).filter((i) => i % 3 !== 0).map((i) => `in-${i}`).sort();

    const args = ['replay', '--topic', src, '--from', '2h', '--to', '30m', '--type', '*.created', '--subscription', subscription, '--handlers', 'h1,h2', '--json'];
    const run = await runCli(args);
    expect(run.code, run.stderr).toBe(0);
    expect(jsonOf(run)).toMatchObject({ toTopic: replayTopic, subscription, targetHandlers: ['h1', 'h2'], read: 20, matched: expected.length, written: expected.length, complete: true });
    expect((await admin.topicOffsets(replayTopic)).length).toBe(2);

    const target = await readAll(client, replayTopic);
    expect(target.records.map((r) => r.headers.ce_id?.toString()).sort()).toEqual(expected);
    for (const record of target.records) {
      expect(record.headers['sy-event-target-handlers']?.toString()).toBe('h1,h2');
      expect(origin(record)).toMatch(new RegExp(`^${src.replace(/\./g, '\\.')}/[01]/\\d+$`));
      expect(record.headers['sy-event-attempt'] ?? record.headers['sy-event-handler']).toBeUndefined();
      expect(record.key?.toString()).toBe('acme');
    }

    const again = await runCli(args);
    expect(again.code, again.stderr).toBe(0);
    expect(jsonOf(again)).toMatchObject({ resumed: true, complete: true, written: 0 });

    const [withTopic, handlersAlone, unknown] = await Promise.all([
      runCli(['replay', '--topic', src, '--from', '2h', '--subscription', subscription, '--to-topic', src]),
      runCli(['replay', '--topic', src, '--from', '2h', '--handlers', 'h1']),
      runCli(['replay', '--topic', src, '--from', '2h', '--subscription', `${subscription}-nope`]),
    ]);
    expect(withTopic.code).toBe(2);
    // The engine names its options (`toTopic`); the CLI prints its flags.
    expect(withTopic.stderr).toContain('error: SY_INVALID_ARGUMENT: --to-topic cannot be combined with --subscription');
    expect(handlersAlone.code).toBe(2);
    expect(handlersAlone.stderr).toContain('--handlers only applies with --subscription');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain(`${subscription}-nope`);
    expect(target.records).toHaveLength(expected.length);
  });

  it('copies a range exactly once over both writer lanes', async () => {
    const client = testClient();
    const [src, dst] = [uniqueName('replay-src'), uniqueName('replay-dst')];
    await topicsOf(client, 2, src, dst);
    // 6,000 records per partition: on kafkajs the second partition's lane gets a thread of its own
    // (writer-lanes.ts); on @platformatic/kafka both write from the main thread
    // (thread-writer.int.test.ts has a thread write raw copies).
    await produce(client, src, Array.from({ length: 12_000 }, (_, i) => ({ key: `k${i}`, value: `v${i}`, partition: i % 2 })));

    const run = await runCli(['replay', '--topic', src, '--from', '1h', '--to-topic', dst, '--json']);
    expect(run.code, run.stderr).toBe(0);
    const summary = JSON.parse(run.stdout);
    expect(summary).toMatchObject({ read: 12_000, written: 12_000, complete: true });
    const admin = await testAdmin(client);
    expect((await admin.groupOffsets(summary.group, [src])).map((o) => o.offset).sort()).toEqual(['6000', '6000']);

    // The replay finished: read the target to its end (read_committed) and count exactly.
    const target = await readAll(client, dst);
    expect(target.records).toHaveLength(12_000);
    expect(new Set(target.records.map(valueOf)).size).toBe(12_000);
    expect(new Set(target.records.map(origin)).size).toBe(12_000);
  });

  it.each([
    { signal: 'SIGINT' as const, total: 20_000 },
    // A killed run leaves an open transaction and a group member behind: the rerun fences both.
    { signal: 'SIGKILL' as const, total: 8_000 },
  ])('resumes a replay stopped by $signal without writing any record twice', async ({ signal, total }) => {
    const client = testClient();
    const [src, dst] = [uniqueName('replay-src'), uniqueName('replay-dst')];
    await topicsOf(client, 3, src, dst);
    await produce(client, src, Array.from({ length: total }, (_, i) => ({ key: `k${i % 500}`, value: `v${i}` })));
    const args = ['replay', '--topic', src, '--from', '1h', '--to-topic', dst, '--rate', '2000', '--json'];
    const admin = await testAdmin(client);

    const first = startCli(args);
    await vi.waitFor(async () => expect(Number((await admin.topicOffsets(dst)).reduce((n, p) => n + Number(p.high), 0))).toBeGreaterThan(3_000), { timeout: 30_000, interval: 200 });
    first.child.kill(signal);
    const interrupted = await first.done;
    if (signal === 'SIGINT') {
      expect(interrupted.code, interrupted.stderr).toBe(130);
      expect(JSON.parse(interrupted.stdout).complete).toBe(false);
    }

    const second = await runCli(args.filter((a) => a !== '--rate' && a !== '2000'));
    expect(second.code, second.stderr).toBe(0);
    expect(JSON.parse(second.stdout)).toMatchObject({ resumed: true, complete: true });

    const values = (await readAll(client, dst)).records.map(valueOf);
    expect(values.length).toBe(total);
    expect(new Set(values).size).toBe(total);
  });
});
