import { setTimeout as sleep } from 'node:timers/promises';
import kafkajs from 'kafkajs';
import { SwitchyardError } from '@switchyard/protocol';
import { livePid, logTail } from './broker-process.js';
import type { BrokerNode } from './kafka-local.options.js';

const { Kafka, logLevel } = kafkajs;

/** TLS settings to reach a secured broker's mutual-TLS listener (PEM contents). */
export interface ProbeTls {
  readonly ca: string;
  readonly cert: string;
  readonly key: string;
}

/**
 * Asks the cluster for metadata once; resolves the number of brokers it reports, 0 if it does not
 * answer. With `tls`, over mutual TLS (the secured broker).
 */
export async function brokersAnswering(bootstrap: string, timeoutMs = 3_000, tls?: ProbeTls): Promise<number> {
  const kafka = new Kafka({
    ...(tls ? { ssl: { ...tls } } : {}),
    clientId: 'switchyard-kafka-local',
    brokers: bootstrap.split(','),
    logLevel: logLevel.NOTHING,
    connectionTimeout: timeoutMs,
    requestTimeout: timeoutMs,
    retry: { retries: 0 },
  });
  const admin = kafka.admin();
  try {
    await admin.connect();
    const cluster = await admin.describeCluster();
    return cluster.brokers.length;
  } catch {
    return 0;
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

/**
 * Polls until every node answers metadata requests and the cluster reports all brokers. A node
 * whose process died meanwhile fails at once with the tail of its log.
 */
export async function waitUntilReady(nodes: readonly BrokerNode[], bootstrap: string, timeoutMs: number, tls?: ProbeTls): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    for (const node of nodes) {
      if (!(await livePid(node))) {
        throw new SwitchyardError('SY_BROKER_START_FAILED', `Kafka node ${node.nodeId} exited while starting.\n${await logTail(node)}`, {
          hint: 'Read the log above. A stale data dir from another Kafka version can be removed with `npm run kafka:down -- --wipe`.',
        });
      }
    }
    if ((await brokersAnswering(bootstrap, 3_000, tls)) >= nodes.length) return;
    await sleep(500);
  }
  throw new SwitchyardError('SY_BROKER_START_FAILED', `Kafka did not answer metadata requests within ${timeoutMs} ms.\n${await logTail(nodes[0]!)}`, {
    hint: 'Raise KAFKA_LOCAL_START_TIMEOUT_MS on a slow machine, or read the log above.',
  });
}
