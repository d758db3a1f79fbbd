import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_KAFKA_CLIENT, type KafkaClientName } from '@switchyard/kafka';
import { ensureLocalKafka } from '@switchyard/kafka-local';

/** The repository root (bench/worker/ is two levels below it). */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** Where the broker came from: KAFKA_BROKERS, or the local broker of deploy/kafka-local. */
export interface BrokerInfo {
  readonly bootstrap: string;
  readonly source: 'KAFKA_BROKERS' | 'kafka-local';
}

/** Machine, versions and date recorded with every result (STYLE.md #12). */
export interface BenchEnv {
  readonly date: string;
  readonly machine: {
    readonly cpus: number;
    readonly cpuModel: string;
    readonly memGiB: number;
    readonly os: string;
    readonly arch: string;
    readonly loadAvgAtStart: readonly number[];
  };
  readonly node: string;
  /** The client library the run used (`--client`): the Switchyard contender's adapter and the bare loops' library. */
  readonly client: KafkaClientName;
  readonly versions: {
    /** Kafka of deploy/kafka-local (its pom.xml); with KAFKA_BROKERS it is whatever that broker runs. */
    readonly kafka: string;
    readonly kafkaSource: string;
    readonly kafkajs: string;
    /** The client libraries behind `--client` (whichever the run used). */
    readonly clients: ClientVersions;
    readonly bullmq: string;
    readonly ioredis: string;
    /** Filled in by the BullMQ contender (Redis INFO). */
    redis?: string;
    readonly switchyardWorker: string;
    readonly gitCommit: string;
    /** Uncommitted changes in the working tree when the benchmark ran. */
    readonly gitDirty: boolean;
  };
  readonly broker: BrokerInfo;
  readonly redisUrl: string;
}

/** Versions of the client libraries behind `--client`. */
export interface ClientVersions {
  readonly kafkajs: string;
  readonly platformaticKafka: string;
}

export function clientVersions(): ClientVersions {
  return {
    kafkajs: packageVersion('node_modules/kafkajs'),
    platformaticKafka: packageVersion('node_modules/@platformatic/kafka'),
  };
}

/** KAFKA_BROKERS when set, else the local broker (started if needed; idempotent). */
export async function resolveBroker(): Promise<BrokerInfo> {
  const fromEnv = process.env.KAFKA_BROKERS;
  if (fromEnv) return { bootstrap: fromEnv, source: 'KAFKA_BROKERS' };
  const { bootstrap } = await ensureLocalKafka();
  return { bootstrap, source: 'kafka-local' };
}

export function redisUrl(): string {
  return process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
}

function packageVersion(relativeDir: string): string {
  try {
    return (JSON.parse(readFileSync(path.join(REPO_ROOT, relativeDir, 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

function kafkaVersionFromPom(): string {
  try {
    const pom = readFileSync(path.join(REPO_ROOT, 'deploy/kafka-local/pom.xml'), 'utf8');
    return /<kafka\.version>([^<]+)<\/kafka\.version>/.exec(pom)?.[1] ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

function git(args: string[]): string {
  try {
    return execFileSync('git', args, { cwd: REPO_ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return '';
  }
}

export function collectEnv(broker: BrokerInfo, client: KafkaClientName = DEFAULT_KAFKA_CLIENT): BenchEnv {
  const cpus = os.cpus();
  return {
    date: new Date().toISOString(),
    machine: {
      cpus: cpus.length,
      cpuModel: cpus[0]?.model.trim() ?? 'unknown',
      memGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
      os: `${os.type()} ${os.release()}`,
      arch: os.arch(),
      loadAvgAtStart: os.loadavg().map((l) => Math.round(l * 100) / 100),
    },
    node: process.version,
    client,
    versions: {
      kafka: kafkaVersionFromPom(),
      kafkaSource: broker.source === 'kafka-local' ? 'deploy/kafka-local/pom.xml' : 'deploy/kafka-local/pom.xml (KAFKA_BROKERS was set: the external broker may differ)',
      kafkajs: packageVersion('node_modules/kafkajs'),
      clients: clientVersions(),
      bullmq: packageVersion('node_modules/bullmq'),
      ioredis: packageVersion('node_modules/ioredis'),
      switchyardWorker: packageVersion('libs/worker'),
      gitCommit: git(['rev-parse', 'HEAD']) || 'unknown',
      gitDirty: git(['status', '--porcelain']) !== '',
    },
    broker,
    redisUrl: redisUrl().replace(/\/\/[^@]*@/, '//***@'),
  };
}
