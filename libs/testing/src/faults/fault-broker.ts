/**
 * A broker of a fault test's own (fault suite, issue 11): a single node in a temp folder on a free
 * port range, optionally reached only through a {@link TcpProxy} (the broker advertises the proxy's
 * port), plus clients on it and the network-fault sequence the fault tests share.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, vi } from 'vitest';
import { createKafkaClient, createLogger, DEFAULT_KAFKA_CLIENT, kafkaSettingsFromEnv, type KafkaClient } from '@switchyard/kafka';
import { ensureLocalKafka, portIsFree, signalLocalKafkaNode, stopLocalKafka } from '@switchyard/kafka-local';
import { TcpProxy } from './tcp-proxy.js';

/** The proxy listens this far above the broker's port; the broker advertises it. */
const SHIFT = 100;

export interface FaultBrokerSpec {
  /** Names the temp folder and the clients, e.g. `network-faults`. */
  readonly name: string;
  /** First base port tried (then +7 steps, 500 ports): each fault file has its own range, away from the other tests'. */
  readonly basePort: number;
  /** Put a TCP proxy in front of the broker (every client connection goes through it; one broker only). */
  readonly proxied: boolean;
  /** Brokers of the cluster (default 1). Three: topics of RF 3 get min ISR 2 (deploy/kafka-local). */
  readonly brokers?: 1 | 3;
}

export interface FaultBroker {
  /** The proxy in front of the broker (when `proxied`). */
  readonly proxy: TcpProxy | undefined;
  /** The client adapter under test: KAFKA_CLIENT, else the default. */
  readonly clientName: string;
  /** KAFKA_BROKERS for a client in another process (through the proxy when there is one). */
  readonly bootstrap: string;
  /** A client on the broker (through the proxy when there is one), logging nothing unless LOG_LEVEL. */
  client(id: string): KafkaClient;
  /** Stops the broker with a controlled shutdown (data kept) and starts it again. */
  restart(): Promise<void>;
  /** kill -9 of the broker, then starts it again. */
  killAndStart(): Promise<void>;
  /** kill -9 of one node (1-based id, as the cluster's broker ids), resolved once it is gone. */
  kill(nodeId: number): Promise<void>;
  /** Starts the nodes that are not running and waits until every broker answers. */
  startAll(): Promise<void>;
  /** Stops the proxy and the broker and removes its folder. */
  close(): Promise<void>;
}

/** A base port with each node's port (base + i), its controller's (+1000) and the proxy's (+shift) free. */
async function freePort(from: number, shift: number, brokers: number): Promise<number> {
  for (let port = from; port < from + 500; port += 7) {
    const ports = Array.from({ length: brokers }, (_, i) => [port + i, port + 1000 + i]).flat();
    if ((await Promise.all([...ports, ...(shift ? [port + shift] : [])].map(portIsFree))).every(Boolean)) return port;
  }
  throw new Error(`no free port between ${from} and ${from + 500}`);
}

export async function startFaultBroker(spec: FaultBrokerSpec): Promise<FaultBroker> {
  const shift = spec.proxied ? SHIFT : 0;
  const brokers = spec.brokers ?? 1;
  if (spec.proxied && brokers > 1) throw new Error(`${spec.name}: a proxy fronts a single broker only`);
  const port = await freePort(spec.basePort, shift, brokers);
  const proxy = spec.proxied ? await TcpProxy.start({ port }, port + shift) : undefined;
  // A fault test's brokers live minutes: C1 only (deploy/kafka-local's 'short-lived' JVM) spends less of the 2 CI cores in the JIT.
  const jvm = process.env.KAFKA_LOCAL_JVM === 'server' ? 'server' : 'short-lived';
  const options = { port, dataDir: mkdtempSync(path.join(os.tmpdir(), `sy-${spec.name}-`)), brokers, heap: '384m', jvm, advertisedPortShift: shift } as const;
  const { bootstrap } = await ensureLocalKafka(options);
  const clientName = process.env.KAFKA_CLIENT ?? DEFAULT_KAFKA_CLIENT;
  const reach = proxy ? `127.0.0.1:${proxy.port}` : bootstrap;
  return {
    proxy,
    clientName,
    bootstrap: reach,
    client(id) {
      const settings = kafkaSettingsFromEnv({ KAFKA_BROKERS: reach, KAFKA_CLIENT_ID: id, KAFKA_CLIENT: clientName });
      return createKafkaClient(settings, createLogger(id, { level: process.env.LOG_LEVEL ?? 'silent' }));
    },
    async restart() {
      await stopLocalKafka(options);
      await ensureLocalKafka(options);
    },
    async killAndStart() {
      if ((await signalLocalKafkaNode(options, 1, 'SIGKILL')) === undefined) throw new Error(`${spec.name}: no broker process to kill`);
      await ensureLocalKafka(options);
    },
    async kill(nodeId) {
      if ((await signalLocalKafkaNode(options, nodeId, 'SIGKILL')) === undefined) throw new Error(`${spec.name}: node ${nodeId} is not running`);
    },
    async startAll() {
      await ensureLocalKafka(options);
    },
    async close() {
      await proxy?.close();
      // SY_FAULT_KEEP_DATA=1 keeps the logs for a post-mortem (kafka-dump-log, the broker's own log).
      if (process.env.SY_FAULT_KEEP_DATA === '1') {
        await stopLocalKafka(options);
        console.log(`${spec.name}: broker data kept in ${options.dataDir}`);
        return;
      }
      await stopLocalKafka(options, { wipe: true });
      rmSync(options.dataDir, { recursive: true, force: true });
    },
  };
}

/** Waits until `done()` grew by `n` (at most to `total`): the next fault hits the consumers in full flow. */
export async function progressed(done: () => number, n: number, total: number): Promise<void> {
  const target = Math.min(total, done() + n);
  await vi.waitFor(() => expect(done()).toBeGreaterThanOrEqual(target), { timeout: 120_000, interval: 20 });
}

/**
 * The network-fault sequence of the fault suite, each fault landing after `step` more items were
 * done: 250 ms latency each way, every connection reset, a 3 s stall (shorter than a 10 s session),
 * every connection dropped cleanly, 2 s of refused connections. Returns the incidents, each of
 * which can break a transaction or a session at most once.
 */
export async function injectNetworkFaults(proxy: TcpProxy, done: () => number, total: number, step = 200): Promise<string[]> {
  const incidents: string[] = [];
  await progressed(done, step, total);
  proxy.setLatency(250);
  incidents.push('latency 250 ms each way');
  await progressed(done, step, total);
  proxy.setLatency(0);
  expect(proxy.resetAll()).toBeGreaterThan(0);
  incidents.push('reset all');
  await progressed(done, step, total);
  proxy.hold();
  await new Promise((resolve) => setTimeout(resolve, 3_000)); // the fault itself: a stall, not a wait for a result
  proxy.release();
  incidents.push('3 s stall');
  await progressed(done, step, total);
  expect(proxy.dropAll()).toBeGreaterThan(0);
  incidents.push('drop all');
  await progressed(done, step, total);
  proxy.refuse(true);
  proxy.resetAll();
  await new Promise((resolve) => setTimeout(resolve, 2_000)); // the fault itself: the broker unreachable for 2 s
  proxy.refuse(false);
  incidents.push('refused 2 s');
  return incidents;
}
