import { describe, expect, it, vi } from 'vitest';
import { runKafkaTool } from '@switchyard/kafka-local';
import type { KafkaClient } from '@switchyard/kafka';
import { testAdmin, testBrokers, testClient, uniqueName } from '@switchyard/testing';
import { runCli } from '../cli-process.test-support.js';

const GROUP_COMMAND = 'org.apache.kafka.tools.consumer.group.ConsumerGroupCommand';
const HOUR = 3_600_000;

/** A 3-partition topic with 20 records per partition, the first 10 of each 5 hours old. */
async function seededTopic(client: KafkaClient): Promise<string> {
  const topic = uniqueName('offsets');
  const admin = await testAdmin(client);
  admin.deleteAfterTest([topic]);
  await admin.createTopics([{ topic, numPartitions: 3, replicationFactor: 1, configs: {} }]);
  const producer = client.producer();
  await producer.connect();
  const now = Date.now();
  const records = [0, 1, 2].flatMap((partition) =>
    Array.from({ length: 20 }, (_, i) => ({ partition, value: `v${i}`, timestamp: String(i < 10 ? now - 5 * HOUR + i : now - 1_000) })),
  );
  await producer.send([{ topic, records }]);
  await producer.disconnect();
  return topic;
}

/** Parses one column (by header name) of the tool's table, keyed by partition. */
function toolColumn(stdout: string, topic: string, column: string): Map<number, string> {
  const lines = stdout.split('\n').map((l) => l.trim().split(/\s+/));
  const header = lines.find((cells) => cells.includes(column) && cells.includes('PARTITION'));
  if (!header) throw new Error(`no ${column} column in:\n${stdout}`);
  const [pi, ci] = [header.indexOf('PARTITION'), header.indexOf(column)];
  return new Map(lines.filter((cells) => cells[1] === topic).map((cells) => [Number(cells[pi]), cells[ci]!]));
}

async function tool(args: string[]): Promise<string> {
  const result = await runKafkaTool(GROUP_COMMAND, ['--bootstrap-server', testBrokers(), ...args]);
  expect(result.code, result.stderr).toBe(0);
  return result.stdout;
}

describe('switchyard offsets', () => {
  it('resets like kafka-consumer-groups: same plan, and Kafka reports the executed offsets', async () => {
    const client = testClient();
    const topic = await seededTopic(client);
    const group = uniqueName('offsets-group');
    const at = new Date(Date.now() - 2 * HOUR).toISOString();

    const [ours, toolPlan] = await Promise.all([
      runCli(['offsets', '--group', group, '--topic', topic, '--reset', '--to-datetime', at, '--json']),
      tool(['--reset-offsets', '--group', group, '--topic', topic, '--to-datetime', at, '--dry-run']),
    ]);
    expect(ours.code, ours.stderr).toBe(0);
    const plan = JSON.parse(ours.stdout);
    expect(plan.executed).toBe(false);
    const theirs = toolColumn(toolPlan, topic, 'NEW-OFFSET');
    expect(new Map(plan.partitions.map((p: { partition: number; new: string }) => [p.partition, p.new]))).toEqual(theirs);
    expect([...theirs.values()]).toEqual(['10', '10', '10']);

    const executed = await runCli(['offsets', '--group', group, '--topic', topic, '--reset', '--to-datetime', at, '--execute', '--json']);
    expect(executed.code, executed.stderr).toBe(0);
    expect(JSON.parse(executed.stdout).partitions).toEqual(plan.partitions);
    const current = toolColumn(await tool(['--describe', '--group', group]), topic, 'CURRENT-OFFSET');
    expect(current).toEqual(theirs);

    const shown = await runCli(['offsets', '--group', group, '--json']);
    expect(JSON.parse(shown.stdout).partitions.map((p: { committed: string; lag: string }) => [p.committed, p.lag])).toEqual([['10', '10'], ['10', '10'], ['10', '10']]);
  });

  it('refuses a reset (exit 4) while a consumer of the group is connected', async () => {
    const client = testClient();
    const topic = await seededTopic(client);
    const group = uniqueName('offsets-live');
    const consumer = client.consumer({ groupId: group, maxWaitTimeMs: 200 });
    await consumer.connect();
    await consumer.subscribe([topic], { fromBeginning: true });
    let joined = false;
    consumer.onGroupJoin(() => (joined = true));
    await consumer.run({ eachBatch: async () => undefined });
    try {
      await vi.waitFor(() => expect(joined).toBe(true), { timeout: 20_000 });
      const refused = await runCli(['offsets', '--group', group, '--topic', topic, '--reset', '--to-earliest', '--execute']);
      expect(refused.code).toBe(4);
      expect(refused.stderr).toContain('live member');
    } finally {
      await consumer.disconnect();
    }
  });

  it('rejects a reset without exactly one target (exit 2)', async () => {
    const both = await runCli(['offsets', '--group', uniqueName('g'), '--topic', 'x', '--reset', '--to-earliest', '--to-latest']);
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('exactly one');
  });
});
