import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { SwitchyardError } from '@switchyard/protocol';
import { startNodes, stopNode, livePid, nodeFiles } from './broker-process.js';
import { brokersAnswering, waitUntilReady, type ProbeTls } from './broker-readiness.js';
import { javaBinary, requireJava, resolveClasspath } from './java-toolchain.js';
import { ensureSecuredMaterial, securedConnections, securedFiles, SECURED_USERNAME, type SecuredConnections } from './secured-material.js';
import {
  bootstrapServers,
  clusterDir,
  clusterNodes,
  REPO_ROOT,
  resolveKafkaLocalOptions,
  type KafkaLocalOptions,
  type KafkaLocalOptionsInput,
} from './kafka-local.options.js';

/**
 * Where the resolved Kafka classpath (one file per pom.xml digest) is kept: one place for every
 * data dir, so clusters in temp folders (fault tests, a 3-broker cluster) don't run Maven again.
 */
const CLASSPATH_CACHE = path.join(REPO_ROOT, '.data', 'classpath');

/** What `ensureLocalKafka` did. */
export interface LocalKafkaHandle {
  /** `host:port,...` to give clients (KAFKA_BROKERS). */
  readonly bootstrap: string;
  /** True when this call started at least one node; false when all were already up. */
  readonly started: boolean;
  readonly options: KafkaLocalOptions;
  /** The secured broker's client settings (KAFKA_* variables), when it is the secured one. */
  readonly secured?: SecuredConnections;
}

/** Ports of the secured broker's two client listeners. */
function securedPorts(options: KafkaLocalOptions) {
  return { scram: options.securedPort, mtls: options.securedPort + 1 };
}

/** How readiness probes reach the cluster: the plain listener, or the secured broker's mutual-TLS one. */
async function probeOf(options: KafkaLocalOptions): Promise<{ bootstrap: string; tls?: ProbeTls }> {
  if (!options.secured) return { bootstrap: bootstrapServers(options) };
  const files = securedFiles(clusterDir(options));
  if (!existsSync(files.clientKey)) return { bootstrap: `127.0.0.1:${securedPorts(options).mtls}` };
  const [ca, cert, key] = await Promise.all([files.caCert, files.clientCert, files.clientKey].map((file) => readFile(file, 'utf8')));
  return { bootstrap: `127.0.0.1:${securedPorts(options).mtls}`, tls: { ca: ca!, cert: cert!, key: key! } };
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
  // The secured broker's CA, certificates and SCRAM password exist before its config and storage.
  const secured = options.secured ? await ensureSecuredMaterial(clusterDir(options), securedPorts(options)) : undefined;
  const probe = await probeOf(options);
  const running = await Promise.all(nodes.map((node) => livePid(node)));
  if (running.every(Boolean) && (await brokersAnswering(probe.bootstrap, 3_000, probe.tls)) >= nodes.length) {
    return { bootstrap, started: false, options, ...(secured ? { secured } : {}) };
  }
  await requireJava();
  const classpath = await resolveClasspath(CLASSPATH_CACHE);
  const formatArgs = secured ? ['--add-scram', `SCRAM-SHA-512=[name=${SECURED_USERNAME},password=${secured.scramTls.KAFKA_SASL_PASSWORD}]`] : [];
  const started = await startNodes(nodes, options, classpath, formatArgs);
  await waitUntilReady(nodes, probe.bootstrap, options.startTimeoutMs, probe.tls);
  return { bootstrap, started: started.length > 0, options, ...(secured ? { secured } : {}) };
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

/**
 * Signals one node of the cluster, for fault tests: SIGKILL (the default) is a crash without
 * controlled shutdown, and resolves once the process is gone. `ensureLocalKafka` with the same
 * options starts the node again. Resolves the pid signalled, undefined when the node was not running.
 */
export async function signalLocalKafkaNode(input: KafkaLocalOptionsInput, nodeId: number, signal: NodeJS.Signals = 'SIGKILL'): Promise<number | undefined> {
  const nodes = clusterNodes(optionsOf(input));
  const node = nodes.find((n) => n.nodeId === nodeId);
  if (!node) {
    throw new SwitchyardError('SY_INVALID_ARGUMENT', `Node ${nodeId} is not part of this cluster.`, { hint: `Pick a node id from ${nodes.map((n) => n.nodeId).join(', ')}.` });
  }
  const pid = await livePid(node);
  if (!pid) return undefined;
  process.kill(pid, signal);
  if (signal === 'SIGKILL') while (await livePid(node)) await sleep(50);
  return pid;
}

/** Per-node process state and whether the cluster answers. */
export async function localKafkaStatus(input?: KafkaLocalOptionsInput) {
  const options = optionsOf(input);
  const nodes = clusterNodes(options);
  const bootstrap = bootstrapServers(options);
  const perNode = await Promise.all(
    nodes.map(async (node) => ({ nodeId: node.nodeId, port: node.port, pid: await livePid(node), log: nodeFiles(node).log })),
  );
  const probe = await probeOf(options);
  const answering = perNode.some((n) => n.pid) ? await brokersAnswering(probe.bootstrap, 3_000, probe.tls) : 0;
  return { bootstrap, nodes: perNode, brokersAnswering: answering, up: answering >= nodes.length, ...(options.secured ? { secured: await securedStatus(options) } : {}) };
}

/** Where the secured broker's material is and how clients connect (undefined before its first start). */
async function securedStatus(options: KafkaLocalOptions) {
  const files = securedFiles(clusterDir(options));
  if (!existsSync(files.password) || !existsSync(files.clientKey)) return undefined;
  return { files, connections: await securedConnections(clusterDir(options), securedPorts(options)) };
}

/**
 * The secured broker's client settings as KAFKA_* variables (SCRAM over TLS, mutual TLS), read
 * from its data dir; undefined before its first start.
 */
export async function securedKafkaConnections(input?: KafkaLocalOptionsInput): Promise<SecuredConnections | undefined> {
  return (await securedStatus(optionsOf({ ...input, secured: true })))?.connections;
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
export async function runKafkaTool(mainClass: string, args: readonly string[], { input }: { input?: string } = {}): Promise<KafkaToolResult> {
  await requireJava();
  const classpath = await resolveClasspath(CLASSPATH_CACHE);
  // A tool runs seconds: C1 only (-XX:TieredStopAtLevel=1) spends less CPU compiling what runs once.
  const child = spawn(javaBinary(), ['-Xmx256m', '-XX:TieredStopAtLevel=1', '-cp', classpath, mainClass, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
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
