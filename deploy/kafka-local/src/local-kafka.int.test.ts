import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it, onTestFinished, vi } from 'vitest';
import kafkajs from 'kafkajs';
import { ensureLocalKafka, localKafkaStatus, runKafkaTool, stopLocalKafka } from './local-kafka.js';
import { REPO_ROOT } from './kafka-local.options.js';

const run = promisify(execFile);

function tempDir(): string {
  return mkdtempSync(path.join(os.tmpdir(), 'sy-kafka-local-'));
}

/** A free TCP port and the one 1000 above it (the controller port). */
async function freePortPair(): Promise<number> {
  for (;;) {
    const port = 30_000 + Math.floor(Math.random() * 20_000);
    const free = await Promise.all([port, port + 1000, port + 1, port + 1001, port + 2, port + 1002].map(isFree));
    if (free.every(Boolean)) return port;
  }
}

function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}

describe('deploy/kafka-local', () => {
  it('says which port is taken and how to pick another', async () => {
    const port = await freePortPair();
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(port, '127.0.0.1', resolve));
    onTestFinished(() => new Promise<void>((resolve) => blocker.close(() => resolve())));
    await expect(ensureLocalKafka({ port, dataDir: tempDir() })).rejects.toMatchObject({
      code: 'SY_PORT_IN_USE',
      message: expect.stringContaining(`Port ${port}`),
      hint: expect.stringContaining('KAFKA_LOCAL_PORT'),
    });
  });

  it('prints the tail of the broker log when the broker fails to start', async () => {
    const port = await freePortPair();
    const dataDir = tempDir();
    // A log dir claiming another node id: Kafka refuses to start on it.
    const logDir = path.join(dataDir, 'single', 'node-1', 'data');
    mkdirSync(logDir, { recursive: true });
    writeFileSync(path.join(logDir, 'meta.properties'), 'version=1\ncluster.id=AAAAAAAAAAAAAAAAAAAAAA\nnode.id=99\ndirectory.id=AAAAAAAAAAAAAAAAAAAAAA\n');
    onTestFinished(async () => void (await stopLocalKafka({ port, dataDir })));
    await expect(ensureLocalKafka({ port, dataDir, startTimeoutMs: 60_000 })).rejects.toMatchObject({
      code: 'SY_BROKER_START_FAILED',
      message: expect.stringMatching(/exited while starting[\s\S]*--- last \d+ lines of .*kafka\.log ---/),
    });
  });

  it('brings up a 3-broker cluster idempotently, replicates RF 3, and takes it down cleanly', async () => {
    const port = await freePortPair();
    const dataDir = tempDir();
    const options = { port, dataDir, brokers: 3, heap: '384m', jvm: 'short-lived' } as const;
    onTestFinished(async () => void (await stopLocalKafka(options, { wipe: true })));

    const first = await ensureLocalKafka(options);
    expect(first.started).toBe(true);
    const again = await ensureLocalKafka(options);
    expect(again.started).toBe(false);
    expect(again.bootstrap).toBe(first.bootstrap);

    const kafka = new kafkajs.Kafka({ brokers: first.bootstrap.split(','), logLevel: kafkajs.logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    try {
      expect((await admin.describeCluster()).brokers.map((b) => b.nodeId).sort()).toEqual([1, 2, 3]);
      // kafkajs' waitForLeaders gives up when the broker it asks has not yet got the new topic in
      // its metadata cache (UNKNOWN_TOPIC_OR_PARTITION on a fresh cluster): poll for the leaders.
      await admin.createTopics({ waitForLeaders: false, topics: [{ topic: 'replicated', numPartitions: 2 }] });
      await vi.waitFor(async () => {
        const { topics } = await admin.fetchTopicMetadata({ topics: ['replicated'] });
        expect(topics[0]!.partitions.every((p) => p.leader >= 0)).toBe(true);
        // default.replication.factor=3 applies when the client leaves the factor to the broker.
        expect(topics[0]!.partitions.map((p) => p.replicas.length)).toEqual([3, 3]);
      }, { timeout: 30_000, interval: 200 });
    } finally {
      await admin.disconnect();
    }

    expect(await stopLocalKafka(options)).toBe(3);
    const status = await localKafkaStatus(options);
    expect(status.up).toBe(false);
    expect(status.nodes.every((n) => n.pid === undefined)).toBe(true);
    // Maven, three formats and three JVM starts: `kafka:up -- --brokers 3` alone took 149 s on the
    // loaded 2-core machine (load average 25-48), past the int tier's 120 s. A deadline, not a measure.
  }, 300_000);

  it("offers the KIP-848 consumer protocol and share groups (KIP-932) to clients, checked with Kafka's own tools", async () => {
    const port = await freePortPair();
    const dataDir = tempDir();
    const options = { port, dataDir, heap: '384m', jvm: 'short-lived' } as const;
    onTestFinished(async () => void (await stopLocalKafka(options, { wipe: true })));
    const { bootstrap } = await ensureLocalKafka(options);
    const tool = async (mainClass: string, args: readonly string[], input?: string) => {
      const result = await runKafkaTool(mainClass, ['--bootstrap-server', bootstrap, ...args], input ? { input } : {});
      expect(result.code, `${mainClass} ${args.join(' ')}\n${result.stderr}`).toBe(0);
      return result.stdout;
    };

    const kafka = new kafkajs.Kafka({ brokers: [bootstrap], logLevel: kafkajs.logLevel.NOTHING });
    const admin = kafka.admin();
    const producer = kafka.producer();
    await Promise.all([admin.connect(), producer.connect()]);
    try {
      await admin.createTopics({ waitForLeaders: true, topics: [{ topic: 'protocols', numPartitions: 1 }] });
      await producer.send({ topic: 'protocols', messages: ['a', 'b', 'c'].map((value) => ({ value })) });
    } finally {
      await Promise.all([admin.disconnect(), producer.disconnect()]);
    }
    // Each tool fails (exit code not 0) when the broker does not speak the group protocol it asks for.
    const consumed = await tool('org.apache.kafka.tools.consumer.ConsoleConsumer', [
      '--topic', 'protocols', '--group', 'kip-848', '--command-property', 'group.protocol=consumer', '--from-beginning', '--max-messages', '3', '--timeout-ms', '60000',
    ]);
    expect(consumed.trim().split('\n')).toEqual(['a', 'b', 'c']);
    // A share group starts at the log end unless told otherwise.
    await tool('org.apache.kafka.tools.ConfigCommand', ['--alter', '--entity-type', 'groups', '--entity-name', 'kip-932', '--add-config', 'share.auto.offset.reset=earliest']);
    const shared = await tool('org.apache.kafka.tools.consumer.ConsoleShareConsumer', ['--topic', 'protocols', '--group', 'kip-932', '--max-messages', '3', '--timeout-ms', '60000']);
    expect(shared.trim().split('\n').sort()).toEqual(['a', 'b', 'c']);

    const groups = (await tool('org.apache.kafka.tools.GroupsCommand', ['--list'])).split('\n').map((line) => line.trim().split(/\s+/));
    expect(groups).toContainEqual(['kip-848', 'Consumer', 'consumer']);
    expect(groups).toContainEqual(['kip-932', 'Share', 'share']);
    // A broker start and four JVM tools: about a minute on an idle 2-core machine, over 4 minutes
    // when it is loaded (load average 30+). A deadline, not a measure.
  }, 600_000);

  it('CLI: status exits 3 and says how to start when nothing runs', async () => {
    const port = await freePortPair();
    const result = await run('npx', ['tsx', 'deploy/kafka-local/src/kafka-local.cli.ts', 'status', '--port', String(port), '--data-dir', tempDir()], {
      cwd: REPO_ROOT,
    }).catch((error: { code: number; stdout: string }) => error);
    expect('code' in result ? result.code : 0).toBe(3);
    expect(result.stdout).toContain('Kafka is down');
  });
});
