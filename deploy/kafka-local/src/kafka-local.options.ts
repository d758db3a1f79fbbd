import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { z } from 'zod';
import { resolveLocalServiceOptions } from './local-service.options.js';

/** Root of the repository (deploy/kafka-local/src -> ../../..). */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

/** Folder holding pom.xml and log4j2.yaml. */
export const KAFKA_LOCAL_HOME = path.resolve(REPO_ROOT, 'deploy/kafka-local');

const port = z.coerce
  .number({ message: 'must be a port number, e.g. 9092' })
  .int('must be a whole number')
  .min(1024, 'must be >= 1024 (an unprivileged port)')
  .max(64_000, 'must be <= 64000 (controllers listen 1000 ports above)');

/**
 * Options of the local broker. Each comes from the environment variable named in its
 * description, or from a CLI flag, and is validated once here.
 */
export const KafkaLocalOptionsSchema = z
  .object({
    port: port.default(9092).describe('KAFKA_LOCAL_PORT: client port of the first broker (brokers 2 and 3 take the next ports)'),
    brokers: z.coerce
      .number()
      .refine((n) => n === 1 || n === 3, 'must be 1 (single node) or 3 (replicated cluster)')
      .default(1)
      .describe('KAFKA_LOCAL_BROKERS: 1, or 3 for a replicated cluster (RF 3, min ISR 2)'),
    dataDir: z
      .string()
      .min(1)
      .default(path.join(REPO_ROOT, '.data', 'kafka'))
      .describe('KAFKA_LOCAL_DATA_DIR: where logs, pids and data live (default: the repo\'s ignored .data/kafka)'),
    heap: z
      .string()
      .regex(/^\d+[mg]$/, 'must look like 512m or 1g')
      .default('768m')
      .describe('KAFKA_LOCAL_HEAP: the JVM heap of each broker'),
    startTimeoutMs: z.coerce
      .number({ message: 'must be a number of milliseconds' })
      .int()
      .positive()
      .default(120_000)
      .describe('KAFKA_LOCAL_START_TIMEOUT_MS: how long to wait for the broker to answer metadata requests'),
  })
  .strict();

export type KafkaLocalOptions = Readonly<z.output<typeof KafkaLocalOptionsSchema>>;
export type KafkaLocalOptionsInput = z.input<typeof KafkaLocalOptionsSchema>;

const ENV_NAMES: Record<keyof KafkaLocalOptions, string> = {
  port: 'KAFKA_LOCAL_PORT',
  brokers: 'KAFKA_LOCAL_BROKERS',
  dataDir: 'KAFKA_LOCAL_DATA_DIR',
  heap: 'KAFKA_LOCAL_HEAP',
  startTimeoutMs: 'KAFKA_LOCAL_START_TIMEOUT_MS',
};

/**
 * Reads the options from env, with explicit overrides (CLI flags) taking precedence.
 * A bad value fails fast with the variable's name and the expected form.
 */
export function resolveKafkaLocalOptions(
  overrides: KafkaLocalOptionsInput = {},
  env: NodeJS.ProcessEnv = process.env,
): KafkaLocalOptions {
  return resolveLocalServiceOptions(
    { schema: KafkaLocalOptionsSchema, envNames: ENV_NAMES, service: 'kafka-local', helpCommand: 'npm run kafka:up -- --help' },
    overrides,
    env,
  );
}

/** One broker of the local cluster: node id, client port, controller port, own folder. */
export interface BrokerNode {
  readonly nodeId: number;
  readonly port: number;
  readonly controllerPort: number;
  readonly dir: string;
}

/** The nodes of the cluster these options describe. Single and 3-node clusters use separate folders. */
export function clusterNodes(options: KafkaLocalOptions): BrokerNode[] {
  const clusterDir = path.join(options.dataDir, options.brokers === 1 ? 'single' : `cluster-${options.brokers}`);
  return Array.from({ length: options.brokers }, (_, i) => ({
    nodeId: i + 1,
    port: options.port + i,
    controllerPort: options.port + 1000 + i,
    dir: path.join(clusterDir, `node-${i + 1}`),
  }));
}

/** `host:port,...` of the cluster's client listeners. */
export function bootstrapServers(options: KafkaLocalOptions): string {
  return clusterNodes(options)
    .map((node) => `127.0.0.1:${node.port}`)
    .join(',');
}
