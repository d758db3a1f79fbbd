import { randomUUID } from 'node:crypto';
import { describe, expect, it, vi } from 'vitest';
import { eventDlqTopic, subscriptionGroup, subscriptionReplayTopic, type KafkaClient, type OutgoingRecord } from '@switchyard/kafka';
import { collectTopics, deadEventRecord, testAdmin, testClient, uniqueName, type DeadEventSpec } from '@switchyard/testing';
import { jsonOf, runCli } from '../cli-process.test-support.js';
import { type DlqEntryJson, subscriptionDlqRedrivenTopic } from '@switchyard/ops';

async function produce(client: KafkaClient, topic: string, records: readonly OutgoingRecord[]): Promise<void> {
  const producer = client.producer();
  await producer.connect();
  await producer.send([{ topic, records }]);
  await producer.disconnect();
}

const RETRY_STATE = { 'sy-event-attempt': '3', 'sy-event-handler': 'h_mail', 'sy-event-not-before': '2024-05-01T00:00:00Z', 'sy-event-first-failure-at': '2024-05-01T00:00:00Z' };

/**
 * A subscription with DLQs in two domains: in A, e1 (created, acme, h_mail, FAILED, from a retry
 * topic), e2 (deleted, acme, h_audit, TIMEOUT), e3 (created, globex, h_mail, FAILED) and a record
 * that is not a dead letter; in B, e4 (paid, acme, h_mail, FAILED). Another subscription's DLQ in
 * domain A holds one more dead event that must never show up.
 */
async function subscriptionWithDeadEvents() {
  const client = testClient();
  const admin = await testAdmin(client);
  const [domainA, domainB] = [uniqueName('da'), uniqueName('db')].map((n) => n.replace(/-/g, '_')) as [string, string];
  const subscription = uniqueName('sub');
  const other = `${subscription}-other`;
  const [dlqA, dlqB, dlqOther] = [eventDlqTopic(domainA, subscription), eventDlqTopic(domainB, subscription), eventDlqTopic(domainA, other)];
  admin.deleteAfterTest([dlqA, dlqB, dlqOther, subscriptionReplayTopic(subscription), subscriptionDlqRedrivenTopic(subscription)]);
  await admin.createTopics([
    { topic: dlqA, numPartitions: 2, replicationFactor: 1, configs: {} },
    { topic: dlqB, numPartitions: 1, replicationFactor: 1, configs: {} },
    { topic: dlqOther, numPartitions: 1, replicationFactor: 1, configs: {} },
  ]);
  const id = () => randomUUID();
  const e = {
    e1: { id: id(), name: `${domainA}.created`, tenant: 'acme', handler: 'h_mail', code: 'SY_EVENT_HANDLER_FAILED', delivery: RETRY_STATE },
    e2: { id: id(), name: `${domainA}.deleted`, tenant: 'acme', handler: 'h_audit', code: 'SY_EVENT_HANDLER_TIMEOUT' },
    e3: { id: id(), name: `${domainA}.created`, tenant: 'globex', handler: 'h_mail', code: 'SY_EVENT_HANDLER_FAILED' },
    e4: { id: id(), name: `${domainB}.paid`, tenant: 'acme', handler: 'h_mail', code: 'SY_EVENT_HANDLER_FAILED' },
  } satisfies Record<string, DeadEventSpec>;
  await produce(client, dlqA, [deadEventRecord(e.e1, 10), deadEventRecord(e.e2, 11), deadEventRecord(e.e3, 12), { key: 'acme', value: 'not a dead letter' }]);
  await produce(client, dlqB, [deadEventRecord(e.e4, 3)]);
  await produce(client, dlqOther, [deadEventRecord({ id: id(), name: `${domainA}.created`, tenant: 'acme', handler: 'h_mail', code: 'SY_EVENT_HANDLER_FAILED' }, 10)]);
  // The subscription ran (its consumer group has offsets); `other` never did: only a DLQ is left of it.
  await admin.setGroupOffsets(subscriptionGroup(subscription), dlqA, [{ partition: 0, offset: '0' }]);
  return { client, admin, subscription, other, domainA, domainB, dlqA, dlqB, e };
}

const ids = (entries: DlqEntryJson[]) => entries.map((entry) => entry.id).sort();

describe('switchyard dlq --subscription (subprocess, real broker)', () => {
  it("lists and shows a subscription's dead events across its domains, filtered; rejects a bad source with exit 2", async () => {
    const s = await subscriptionWithDeadEvents();
    const sub = ['--subscription', s.subscription];
    const [all, text, failedAcme, createdInA, audit, show] = await Promise.all([
      runCli(['--json', 'dlq', 'list', ...sub]),
      runCli(['dlq', 'list', ...sub]),
      runCli(['--json', 'dlq', 'list', ...sub, '--code', 'SY_EVENT_HANDLER_FAILED', '--tenant', 'acme']),
      runCli(['--json', 'dlq', 'list', ...sub, '--domain', s.domainA, '--type', '*.created']),
      runCli(['--json', 'dlq', 'list', ...sub, '--handler', 'h_audit']),
      runCli(['--json', 'dlq', 'show', ...sub, '--event', s.e.e2.id]),
    ]);
    expect(all.code, all.stderr).toBe(0);
    const entries = jsonOf<DlqEntryJson[]>(all);
    expect(entries).toHaveLength(5);
    expect(entries.find((entry) => entry.id === s.e.e1.id)).toMatchObject({
      eventType: s.e.e1.name,
      tenant: 'acme',
      domain: s.domainA,
      failedHandler: 'h_mail',
      code: 'SY_EVENT_HANDLER_FAILED',
      retries: 3,
      topic: s.dlqA,
      state: 'dead',
      event: { id: s.e.e1.id, name: s.e.e1.name, metadata: { tenantId: 'acme', source: 'cli-test' } },
    });
    expect(entries.filter((entry) => entry.code === null)).toHaveLength(1);

    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/EVENT TYPE .*HANDLER/);
    expect(text.stdout).toContain(s.e.e4.name);
    expect(text.stdout).toContain('5 matching entries');

    expect(ids(jsonOf(failedAcme))).toEqual([s.e.e1.id, s.e.e4.id].sort());
    expect(ids(jsonOf(createdInA))).toEqual([s.e.e1.id, s.e.e3.id].sort());
    expect(ids(jsonOf(audit))).toEqual([s.e.e2.id]);
    expect(show.code, show.stderr).toBe(0);
    expect(jsonOf(show)).toMatchObject({ id: s.e.e2.id, headers: { ce_type: s.e.e2.name, 'sy-dlq-handler': 'h_audit' }, payload: { encoding: 'json', value: { eventId: s.e.e2.id } } });

    const [both, neither, domainWithQueue, dottedTaskType, unknown, noSuchDomain, taskWithSubscription] = await Promise.all([
      runCli(['dlq', 'list', '--queue', 'emails', ...sub]),
      runCli(['dlq', 'redrive', '--yes']),
      runCli(['dlq', 'purge', '--queue', 'emails', '--domain', s.domainA, '--yes']),
      runCli(['dlq', 'list', '--queue', 'emails', '--type', 'user.*']),
      runCli(['dlq', 'list', '--subscription', `${s.subscription}-nope`]),
      runCli(['dlq', 'list', ...sub, '--domain', 'nosuchdomain']),
      runCli(['dlq', 'show', ...sub, '--task', 't1']),
    ]);
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('either --queue or --subscription');
    expect(neither.code).toBe(2);
    expect(neither.stderr).toContain('--subscription <name>');
    expect(domainWithQueue.code).toBe(2);
    expect(domainWithQueue.stderr).toContain('--domain');
    expect(dottedTaskType.code).toBe(2);
    expect(dottedTaskType.stderr).toContain('--type');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain(`${s.subscription}-nope`);
    expect(noSuchDomain.code).toBe(2);
    expect(noSuchDomain.stderr).toContain(s.dlqB);
    expect(taskWithSubscription.code).toBe(2);
    expect(taskWithSubscription.stderr).toContain('--event');
  });

  it("redrives exactly the filtered entries into the subscription's replay topic, for the failed handler, once; purges by domain", async () => {
    const s = await subscriptionWithDeadEvents();
    const sub = ['--subscription', s.subscription];
    const filter = ['--code', 'SY_EVENT_HANDLER_FAILED', '--tenant', 'acme'];
    const replayTopic = subscriptionReplayTopic(s.subscription);

    const [refused, dryRun, nobodyReads] = await Promise.all([
      runCli(['dlq', 'redrive', ...sub, ...filter]),
      runCli(['--json', 'dlq', 'redrive', ...sub, ...filter, '--dry-run']),
      runCli(['dlq', 'redrive', '--subscription', s.other, '--yes']),
    ]);
    expect(nobodyReads.code).toBe(2);
    expect(nobodyReads.stderr).toContain(`no topic ${subscriptionReplayTopic(s.other)}`);
    expect(refused.code).toBe(4);
    expect(refused.stderr).toContain('--yes');
    expect(dryRun.code, dryRun.stderr).toBe(0);
    expect(jsonOf(dryRun)).toMatchObject({ subscription: s.subscription, dryRun: true, wouldRedrive: 2, targets: { [replayTopic]: 2 } });
    expect(await s.admin.listTopics()).not.toContain(replayTopic);

    const redrive = await runCli(['--json', 'dlq', 'redrive', ...sub, ...filter, '--yes']);
    expect(redrive.code, redrive.stderr).toBe(0);
    expect(jsonOf(redrive)).toMatchObject({ subscription: s.subscription, matched: 2, redriven: 2, skipped: 0, targets: { [replayTopic]: 2 } });
    // Created like the DLQs: as many partitions as the largest.
    expect((await s.admin.topicOffsets(replayTopic)).length).toBe(2);

    const replayed = await collectTopics(s.client, [replayTopic]);
    await vi.waitFor(() => expect(replayed.records).toHaveLength(2), { timeout: 15_000, interval: 100 });
    const byId = new Map(replayed.records.map((r) => [r.headers.ce_id?.toString(), r]));
    expect([...byId.keys()].sort()).toEqual([s.e.e1.id, s.e.e4.id].sort());
    for (const [event, dlq] of [[s.e.e1, s.dlqA], [s.e.e4, s.dlqB]] as const) {
      const record = byId.get(event.id)!;
      const headers = Object.fromEntries(Object.entries(record.headers).map(([k, v]) => [k, v.toString()]));
      expect(headers).toMatchObject({ ce_type: event.name, ce_tenantid: 'acme', ce_specversion: '1.0', 'sy-event-target-handlers': 'h_mail' });
      expect(headers['sy-replay-origin']).toMatch(new RegExp(`^${dlq.replace(/\./g, '\\.')}/\\d+/\\d+$`));
      expect(Object.keys(headers).filter((h) => h.startsWith('sy-dlq-') || Object.hasOwn(RETRY_STATE, h))).toEqual([]);
      expect(record.key?.toString()).toBe('acme');
      expect(JSON.parse(record.value!.toString())).toEqual({ eventId: event.id });
    }

    const [again, listed] = await Promise.all([runCli(['--json', 'dlq', 'redrive', ...sub, ...filter, '--yes']), runCli(['--json', 'dlq', 'list', ...sub, '--all'])]);
    expect(again.code, again.stderr).toBe(3);
    expect(jsonOf(again)).toMatchObject({ matched: 2, redriven: 0, skippedReasons: { alreadyRedrivenOrPurged: 2 } });
    expect(ids(jsonOf<DlqEntryJson[]>(listed).filter((e) => e.state === 'redriven'))).toEqual([s.e.e1.id, s.e.e4.id].sort());

    // Purge domain A only: e2, e3 and the stray record go; domain B keeps its (redriven) entry.
    const purge = await runCli(['--json', 'dlq', 'purge', ...sub, '--domain', s.domainA, '--yes']);
    expect(purge.code, purge.stderr).toBe(0);
    expect(jsonOf(purge)).toEqual({ subscription: s.subscription, purged: 3 });
    expect((await s.admin.topicOffsets(s.dlqA)).every((o) => o.low === o.high)).toBe(true);
    expect((await s.admin.topicOffsets(s.dlqB)).some((o) => o.low !== o.high)).toBe(true);
    expect((await runCli(['dlq', 'list', ...sub])).code).toBe(3);
    // The second redrive wrote nothing: still the two records.
    expect(replayed.records).toHaveLength(2);
  });
});
