import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, openSync, closeSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { SwitchyardError } from '@switchyard/protocol';
import { renderServerProperties } from './broker-config.js';
import { javaBinary } from './java-toolchain.js';
import { KAFKA_LOCAL_HOME, type BrokerNode, type KafkaLocalOptions } from './kafka-local.options.js';

/** Files of one node: config, pid, log. */
export function nodeFiles(node: BrokerNode) {
  return {
    properties: path.join(node.dir, 'server.properties'),
    pid: path.join(node.dir, 'kafka.pid'),
    log: path.join(node.dir, 'kafka.log'),
    meta: path.join(node.dir, 'data', 'meta.properties'),
  };
}

/** The pid of a node's broker when that process is alive, else undefined. */
export function livePid(node: BrokerNode): Promise<number | undefined> {
  return livePidOf(nodeFiles(node).pid);
}

/** The pid written in `file` when that process is alive, else undefined. */
export async function livePidOf(file: string): Promise<number | undefined> {
  if (!existsSync(file)) return undefined;
  const pid = Number((await readFile(file, 'utf8')).trim());
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  try {
    process.kill(pid, 0);
    return pid;
  } catch {
    return undefined;
  }
}

/** Resolves true when nothing listens on 127.0.0.1:port. */
export function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

async function requireFreePorts(node: BrokerNode): Promise<void> {
  const variable = node.mtlsPort ? 'KAFKA_LOCAL_SECURED_PORT' : 'KAFKA_LOCAL_PORT';
  const ports: [number, string][] = [
    [node.port, variable],
    [node.controllerPort, `${variable} (controllers use port + 1000)`],
    ...(node.mtlsPort ? [[node.mtlsPort, `${variable} (mutual TLS uses port + 1)`] as [number, string]] : []),
  ];
  for (const [port, env] of ports) {
    if (!(await portIsFree(port))) {
      throw new SwitchyardError('SY_PORT_IN_USE', `Port ${port} on 127.0.0.1 is already in use by another process.`, {
        hint: `Stop what listens there (\`ss -ltnp 'sport = :${port}'\` shows it), or pick another base port with ${env}=<port>; to use a broker you already run, set KAFKA_BROKERS instead.`,
      });
    }
  }
}

/**
 * JIT flags per `jvm` profile. A test's broker lives for seconds to minutes: C2 compiles barely pay
 * off there, and with 2 cores its compiler threads compete with the test. C1 only took a fresh
 * broker to ready plus a short transactional workload in 6.8-7.6 CPU-s instead of 11.4-13.2 (C2);
 * time to ready was 3.0-5.0 s against 3.8-4.0 s, no clear difference. Steady-state throughput is
 * C2's, so 'server' stays the default.
 */
const JIT_FLAGS: Record<KafkaLocalOptions['jvm'], readonly string[]> = {
  server: [],
  'short-lived': ['-XX:TieredStopAtLevel=1'],
};

const JAVA_FLAGS = (heap: string, jvm: KafkaLocalOptions['jvm']) => [
  `-Xms256m`,
  `-Xmx${heap}`,
  '-XX:+UseG1GC',
  '-XX:MaxGCPauseMillis=20',
  ...JIT_FLAGS[jvm],
  '-Djava.awt.headless=true',
  `-Dlog4j2.configurationFile=${path.join(KAFKA_LOCAL_HOME, 'log4j2.yaml')}`,
];

async function runJava(classpath: string, args: string[], logFile: string): Promise<number> {
  const fd = openSync(logFile, 'a');
  try {
    const child = spawn(javaBinary(), ['-cp', classpath, ...args], { stdio: ['ignore', fd, fd] });
    return await new Promise((resolve, reject) => {
      child.once('error', reject);
      child.once('exit', (code) => resolve(code ?? 1));
    });
  } finally {
    closeSync(fd);
  }
}

/** Formats a node's storage on its first start (KRaft needs a cluster id written in every log dir). */
async function formatIfNeeded(node: BrokerNode, clusterId: string, classpath: string, formatArgs: readonly string[]): Promise<void> {
  const files = nodeFiles(node);
  if (existsSync(files.meta)) return;
  const code = await runJava(
    classpath,
    [...JAVA_FLAGS('256m', 'short-lived'), 'kafka.tools.StorageTool', 'format', '-t', clusterId, '-c', files.properties, '--ignore-formatted', ...formatArgs],
    files.log,
  );
  if (code !== 0) {
    throw new SwitchyardError('SY_BROKER_START_FAILED', `Formatting the storage of node ${node.nodeId} failed (exit ${code}).\n${await logTail(node)}`, {
      hint: `Read ${files.log}; remove ${node.dir} to start from scratch.`,
    });
  }
}

/**
 * A KRaft cluster id: 16 random bytes, base64url without padding (what `kafka-storage random-uuid`
 * prints). Like Kafka's Uuid.randomUuid, never one starting with '-': the storage tool would read
 * `-t -abc...` as an option and fail the format (1 start in 64).
 */
function newClusterId(): string {
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

async function clusterIdFor(nodes: readonly BrokerNode[]): Promise<string> {
  const file = path.join(path.dirname(nodes[0]!.dir), 'cluster.id');
  if (existsSync(file)) return (await readFile(file, 'utf8')).trim();
  const id = newClusterId();
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, `${id}\n`);
  return id;
}

/**
 * Starts every node that is not running yet, detached, logging to its own file. `formatArgs` go to
 * the storage format of a node's first start (e.g. `--add-scram` for the secured broker's user).
 */
export async function startNodes(nodes: readonly BrokerNode[], options: KafkaLocalOptions, classpath: string, formatArgs: readonly string[] = []): Promise<BrokerNode[]> {
  const started: BrokerNode[] = [];
  const clusterId = await clusterIdFor(nodes);
  for (const node of nodes) {
    if (await livePid(node)) continue;
    await requireFreePorts(node);
    const files = nodeFiles(node);
    await mkdir(path.join(node.dir, 'data'), { recursive: true });
    await writeFile(files.properties, renderServerProperties(node, nodes, options));
    await formatIfNeeded(node, clusterId, classpath, formatArgs);
    const fd = openSync(files.log, 'a');
    const child = spawn(javaBinary(), [...JAVA_FLAGS(options.heap, options.jvm), '-cp', classpath, 'kafka.Kafka', files.properties], {
      stdio: ['ignore', fd, fd],
      detached: true,
    });
    closeSync(fd);
    child.unref();
    await writeFile(files.pid, `${child.pid}\n`);
    started.push(node);
  }
  return started;
}

/** Stops a node: SIGTERM (controlled shutdown), then SIGKILL after the grace period. */
export async function stopNode(node: BrokerNode, graceMs = 30_000): Promise<boolean> {
  const pid = await livePid(node);
  if (!pid) {
    await rm(nodeFiles(node).pid, { force: true });
    return false;
  }
  process.kill(pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    if (!(await livePid(node))) break;
    await sleep(200);
  }
  if (await livePid(node)) process.kill(pid, 'SIGKILL');
  while (await livePid(node)) await sleep(100);
  await rm(nodeFiles(node).pid, { force: true });
  return true;
}

/** The last lines of a node's log, for error messages. */
export function logTail(node: BrokerNode, lines = 40): Promise<string> {
  return fileTail(nodeFiles(node).log, lines);
}

/** The last lines of a log file, headed by its path, for error messages. */
export async function fileTail(file: string, lines = 40): Promise<string> {
  if (!existsSync(file)) return `(no log at ${file})`;
  const text = await readFile(file, 'utf8');
  return `--- last ${lines} lines of ${file} ---\n${text.split('\n').slice(-lines - 1).join('\n')}`;
}
