import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { z } from 'zod';
import { SwitchyardError } from '@switchyard/protocol';
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
    jvm: z
      .enum(['server', 'short-lived'], { message: "must be 'server' or 'short-lived'" })
      .default('server')
      .describe(
        "KAFKA_LOCAL_JVM: 'server' (C2 JIT: best steady-state throughput, for `npm start` and the benches) or 'short-lived' (C1 JIT only, -XX:TieredStopAtLevel=1: a fresh broker to ready and through a short workload in ~40 % less CPU, for brokers a test starts and stops)",
      ),
    startTimeoutMs: z.coerce
      .number({ message: 'must be a number of milliseconds' })
      .int()
      .positive()
      .default(120_000)
      .describe('KAFKA_LOCAL_START_TIMEOUT_MS: how long to wait for the broker to answer metadata requests'),
    secured: z
      .preprocess(
        (v) => (typeof v === 'boolean' ? String(v) : v),
        z.enum(['1', '0', 'true', 'false'], { message: 'must be 1 or 0' }).transform((v) => v === '1' || v === 'true'),
      )
      .optional()
      .transform((v) => v ?? false)
      .describe('KAFKA_LOCAL_SECURED: the secured broker (SCRAM-SHA-512 over TLS, mutual TLS) instead of the plain one; it has its own ports and data'),
    advertisedPortShift: z.coerce
      .number({ message: 'must be a whole number of ports, e.g. 100' })
      .int('must be a whole number')
      .min(0, 'must be >= 0')
      .max(1_000, 'must be <= 1000')
      .default(0)
      .describe('KAFKA_LOCAL_ADVERTISED_PORT_SHIFT: the broker tells clients to connect to its port + this (a fault-test TCP proxy listens there); single node only'),
    securedPort: port
      .default(9192)
      .describe('KAFKA_LOCAL_SECURED_PORT: SASL_SSL port of the secured broker; mutual TLS listens one above, its controller 1000 above'),
  })
  .strict();

export type KafkaLocalOptions = Readonly<z.output<typeof KafkaLocalOptionsSchema>>;
export type KafkaLocalOptionsInput = z.input<typeof KafkaLocalOptionsSchema>;

const ENV_NAMES: Record<keyof KafkaLocalOptions, string> = {
  port: 'KAFKA_LOCAL_PORT',
  brokers: 'KAFKA_LOCAL_BROKERS',
  dataDir: 'KAFKA_LOCAL_DATA_DIR',
  heap: 'KAFKA_LOCAL_HEAP',
  jvm: 'KAFKA_LOCAL_JVM',
  startTimeoutMs: 'KAFKA_LOCAL_START_TIMEOUT_MS',
  secured: 'KAFKA_LOCAL_SECURED',
  advertisedPortShift: 'KAFKA_LOCAL_ADVERTISED_PORT_SHIFT',
  securedPort: 'KAFKA_LOCAL_SECURED_PORT',
};

/**
 * Reads the options from env, with explicit overrides (CLI flags) taking precedence.
 * A bad value fails fast with the variable's name and the expected form.
 */
export function resolveKafkaLocalOptions(
  overrides: KafkaLocalOptionsInput = {},
  env: NodeJS.ProcessEnv = process.env,
): KafkaLocalOptions {
  const options = resolveLocalServiceOptions(
    { schema: KafkaLocalOptionsSchema, envNames: ENV_NAMES, service: 'kafka-local', helpCommand: 'npm run kafka:up -- --help' },
    overrides,
    env,
  );
  if (options.secured && options.brokers !== 1) {
    throw new SwitchyardError('SY_INVALID_ENV', 'Invalid kafka-local settings:\n  KAFKA_LOCAL_BROKERS / --brokers: the secured broker runs a single node', {
      hint: 'Drop --brokers 3 (or KAFKA_LOCAL_BROKERS=3) when starting the secured broker.',
    });
  }
  if (options.advertisedPortShift > 0 && (options.secured || options.brokers !== 1)) {
    throw new SwitchyardError('SY_INVALID_ENV', 'Invalid kafka-local settings:\n  KAFKA_LOCAL_ADVERTISED_PORT_SHIFT: only the plain single-node broker can advertise another port', {
      hint: 'Leave KAFKA_LOCAL_ADVERTISED_PORT_SHIFT at 0 with --brokers 3 or the secured broker (their brokers reach each other through the advertised address).',
    });
  }
  return options;
}

/**
 * One broker of the local cluster: node id, client port, controller port, own folder. On the
 * secured broker `port` is the SASL_SSL listener (SCRAM-SHA-512) and `mtlsPort` the SSL listener
 * that requires a client certificate.
 */
export interface BrokerNode {
  readonly nodeId: number;
  readonly port: number;
  readonly mtlsPort?: number;
  readonly controllerPort: number;
  readonly dir: string;
}

/** Folder of the cluster these options describe: single, 3-node and secured clusters each have their own. */
export function clusterDir(options: KafkaLocalOptions): string {
  if (options.secured) return path.join(options.dataDir, 'secured');
  return path.join(options.dataDir, options.brokers === 1 ? 'single' : `cluster-${options.brokers}`);
}

/** The nodes of the cluster these options describe. */
export function clusterNodes(options: KafkaLocalOptions): BrokerNode[] {
  if (options.secured) {
    const port = options.securedPort;
    return [{ nodeId: 1, port, mtlsPort: port + 1, controllerPort: port + 1000, dir: path.join(clusterDir(options), 'node-1') }];
  }
  const dir = clusterDir(options);
  return Array.from({ length: options.brokers }, (_, i) => ({
    nodeId: i + 1,
    port: options.port + i,
    controllerPort: options.port + 1000 + i,
    dir: path.join(dir, `node-${i + 1}`),
  }));
}

/** `host:port,...` of the cluster's client listeners. */
export function bootstrapServers(options: KafkaLocalOptions): string {
  return clusterNodes(options)
    .map((node) => `127.0.0.1:${node.port}`)
    .join(',');
}
