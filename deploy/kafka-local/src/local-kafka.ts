import { spawn } from 'node:child_process';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { startNodes, stopNode, livePid, nodeFiles } from './broker-process.js';
import { brokersAnswering, waitUntilReady } from './broker-readiness.js';
import { javaBinary, requireJava, resolveClasspath } from './java-toolchain.js';
import {
  bootstrapServers,
  clusterNodes,
  resolveKafkaLocalOptions,
  type KafkaLocalOptions,
  type KafkaLocalOptionsInput,
} from './kafka-local.options.js';

/** What `ensureLocalKafka` did. */
export interface LocalKafkaHandle {
  /** `host:port,...` to give clients (KAFKA_BROKERS). */
  readonly bootstrap: string;
  /** True when this call started at least one node; false when all were already up. */
  readonly started: boolean;
  readonly options: KafkaLocalOptions;
}

function optionsOf(input: KafkaLocalOptions | KafkaLocalOptionsInput | undefined): KafkaLocalOptions {
  return resolveKafkaLocalOptions(input ?? {});
}

/**
 * Brings the local cluster up, idempotently: resolves Kafka from Maven Central on first use,
 * formats storage on first start, starts the nodes that are not running, and waits until the
 * cluster answers metadata requests with every broker.
 */
export async function ensureLocalKafka(input?: KafkaLocalOptionsInput): Promise<LocalKafkaHandle> {
  const options = optionsOf(input);
  const nodes = clusterNodes(options);
  const bootstrap = bootstrapServers(options);
  const running = await Promise.all(nodes.map((node) => livePid(node)));
  if (running.every(Boolean) && (await brokersAnswering(bootstrap)) >= nodes.length) {
    return { bootstrap, started: false, options };
  }
  await requireJava();
  const classpath = await resolveClasspath(path.join(options.dataDir, 'classpath'));
  const started = await startNodes(nodes, options, classpath);
  await waitUntilReady(nodes, bootstrap, options.startTimeoutMs);
  return { bootstrap, started: started.length > 0, options };
}

/** Stops every node of the cluster (controlled shutdown). With `wipe`, removes its data too. */
export async function stopLocalKafka(input?: KafkaLocalOptionsInput, { wipe = false } = {}): Promise<number> {
  const options = optionsOf(input);
  const nodes = clusterNodes(options);
  // Stop in reverse so the last voter standing is node 1; all stop in parallel within the grace period.
  const stopped = await Promise.all([...nodes].reverse().map((node) => stopNode(node)));
  if (wipe) await rm(path.dirname(nodes[0]!.dir), { recursive: true, force: true });
  return stopped.filter(Boolean).length;
}

/** Per-node process state and whether the cluster answers. */
export async function localKafkaStatus(input?: KafkaLocalOptionsInput) {
  const options = optionsOf(input);
  const nodes = clusterNodes(options);
  const bootstrap = bootstrapServers(options);
  const perNode = await Promise.all(
    nodes.map(async (node) => ({ nodeId: node.nodeId, port: node.port, pid: await livePid(node), log: nodeFiles(node).log })),
  );
  const answering = perNode.some((n) => n.pid) ? await brokersAnswering(bootstrap) : 0;
  return { bootstrap, nodes: perNode, brokersAnswering: answering, up: answering >= nodes.length };
}

/** Log files of the cluster's nodes. */
export function localKafkaLogFiles(input?: KafkaLocalOptionsInput): string[] {
  return clusterNodes(optionsOf(input)).map((node) => nodeFiles(node).log);
}

/** Result of running one of Kafka's own command-line tools. */
export interface KafkaToolResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs one of Kafka's own Java tools from the same Maven jars as the broker, e.g.
 * `org.apache.kafka.tools.ConsoleProducer` or `org.apache.kafka.tools.consumer.group.ConsumerGroupCommand`.
 * Used by tests to compare Switchyard against the reference implementation.
 */
export async function runKafkaTool(mainClass: string, args: readonly string[], { input, dataDir }: { input?: string; dataDir?: string } = {}): Promise<KafkaToolResult> {
  const options = optionsOf(dataDir ? { dataDir } : {});
  await requireJava();
  const classpath = await resolveClasspath(path.join(options.dataDir, 'classpath'));
  const child = spawn(javaBinary(), ['-Xmx256m', '-cp', classpath, mainClass, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdin.end(input ?? '');
  const code = await new Promise<number>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (exitCode) => resolve(exitCode ?? 1));
  });
  return { code, stdout, stderr };
}
