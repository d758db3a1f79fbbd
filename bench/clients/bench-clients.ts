/**
 * Which Kafka client library a benchmark runs on (`--client`, issue 10 item 3): the Switchyard
 * contender through `createKafkaClient({ client })`, each bare contender on that library's own
 * bare loop (bare-consumers.ts, bare-producers.ts).
 */
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { KAFKA_CLIENTS, type KafkaClientName } from '@switchyard/kafka';
import { REPO_ROOT } from '../worker/bench-env.js';

export type BenchClient = KafkaClientName;
export const BENCH_CLIENTS: readonly BenchClient[] = KAFKA_CLIENTS;
/** The client a bench runs on without `--client`. */
export const DEFAULT_BENCH_CLIENT: BenchClient = 'kafkajs';

export const CLIENT_FLAG_HELP = `--client ${BENCH_CLIENTS.join('|')} (default ${DEFAULT_BENCH_CLIENT})`;

/** `--client` of one bench run: one client name, checked. */
export function parseClientFlag(value: string | undefined, usage: string): BenchClient {
  const name = (value ?? DEFAULT_BENCH_CLIENT).trim();
  if (!(BENCH_CLIENTS as readonly string[]).includes(name)) throw new Error(`--client must be one of ${BENCH_CLIENTS.join(', ')} (got "${name}"). ${usage}`);
  return name as BenchClient;
}

/** `--clients`: `all` or a comma-separated list of names, checked, in the given order. */
export function parseClientsFlag(value: string | undefined, usage: string): BenchClient[] {
  if (value === undefined || value.trim() === 'all') return [...BENCH_CLIENTS];
  return [...new Set(value.split(',').map((s) => parseClientFlag(s, usage)))];
}

/** Versions of the three client libraries (and librdkafka under the Confluent one), recorded with every result. */
export interface ClientVersions {
  readonly kafkajs: string;
  readonly confluentKafkaJavascript: string;
  /** librdkafka linked into the Confluent binding; 'not built' when its native module does not load. */
  readonly librdkafka: string;
  readonly platformaticKafka: string;
}

function moduleVersion(name: string): string {
  try {
    return (JSON.parse(readFileSync(path.join(REPO_ROOT, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return 'not installed';
  }
}

function librdkafkaVersion(): string {
  try {
    const require = createRequire(path.join(REPO_ROOT, 'package.json'));
    return (require('@confluentinc/kafka-javascript') as { librdkafkaVersion: string }).librdkafkaVersion;
  } catch {
    return 'not built';
  }
}

export function clientVersions(): ClientVersions {
  return {
    kafkajs: moduleVersion('kafkajs'),
    confluentKafkaJavascript: moduleVersion('@confluentinc/kafka-javascript'),
    librdkafka: librdkafkaVersion(),
    platformaticKafka: moduleVersion('@platformatic/kafka'),
  };
}

/** The library (and version) a client name stands for, e.g. `@confluentinc/kafka-javascript 1.10.1 (librdkafka 2.12.0)`. */
export function clientLibrary(client: BenchClient, v: ClientVersions = clientVersions()): string {
  if (client === 'kafkajs') return `kafkajs ${v.kafkajs}`;
  if (client === 'confluent') return `@confluentinc/kafka-javascript ${v.confluentKafkaJavascript} (librdkafka ${v.librdkafka})`;
  return `@platformatic/kafka ${v.platformaticKafka}`;
}
