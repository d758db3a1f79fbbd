import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { z } from 'zod';
import { resolveLocalServiceOptions } from '@switchyard/kafka-local';

/** Root of the repository (deploy/schema-registry/src -> ../../..). */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

/** Folder holding pom.xml and src/main/resources (the Quarkus build inputs). */
export const SCHEMA_REGISTRY_HOME = path.resolve(REPO_ROOT, 'deploy/schema-registry');

/**
 * Options of the local schema registry. Each comes from the environment variable named in its
 * description, or from a CLI flag, and is validated once here.
 */
export const SchemaRegistryLocalOptionsSchema = z
  .object({
    port: z.coerce
      .number({ message: 'must be a port number, e.g. 8081' })
      .int('must be a whole number')
      .min(1024, 'must be >= 1024 (an unprivileged port)')
      .max(65_535, 'must be <= 65535')
      .default(8081)
      .describe('SCHEMA_REGISTRY_LOCAL_PORT: HTTP port on 127.0.0.1'),
    dataDir: z
      .string()
      .min(1)
      .default(path.join(REPO_ROOT, '.data', 'schema-registry'))
      .describe("SCHEMA_REGISTRY_LOCAL_DATA_DIR: build cache, pid and log (default: the repo's ignored .data/schema-registry)"),
    heap: z
      .string()
      .regex(/^\d+[mg]$/, 'must look like 256m or 1g')
      .default('256m')
      .describe('SCHEMA_REGISTRY_LOCAL_HEAP: the JVM heap of the registry'),
    startTimeoutMs: z.coerce
      .number({ message: 'must be a number of milliseconds' })
      .int('must be a whole number')
      .positive('must be > 0')
      .default(60_000)
      .describe('SCHEMA_REGISTRY_LOCAL_START_TIMEOUT_MS: how long to wait for GET /subjects to answer 200 (the first build is not counted)'),
  })
  .strict();

export type SchemaRegistryLocalOptions = Readonly<z.output<typeof SchemaRegistryLocalOptionsSchema>>;
export type SchemaRegistryLocalOptionsInput = z.input<typeof SchemaRegistryLocalOptionsSchema>;

const ENV_NAMES: Record<keyof SchemaRegistryLocalOptions, string> = {
  port: 'SCHEMA_REGISTRY_LOCAL_PORT',
  dataDir: 'SCHEMA_REGISTRY_LOCAL_DATA_DIR',
  heap: 'SCHEMA_REGISTRY_LOCAL_HEAP',
  startTimeoutMs: 'SCHEMA_REGISTRY_LOCAL_START_TIMEOUT_MS',
};

/**
 * Reads the options from env, with explicit overrides (CLI flags) taking precedence.
 * A bad value fails fast with the variable's name and the expected form.
 */
export function resolveSchemaRegistryLocalOptions(
  overrides: SchemaRegistryLocalOptionsInput = {},
  env: NodeJS.ProcessEnv = process.env,
): SchemaRegistryLocalOptions {
  return resolveLocalServiceOptions(
    { schema: SchemaRegistryLocalOptionsSchema, envNames: ENV_NAMES, service: 'schema-registry-local', helpCommand: 'npm run schema-registry:up -- --help' },
    overrides,
    env,
  );
}

/** The Confluent-compatible base URL (Apicurio serves the Confluent API under /apis/ccompat/v7). */
export function confluentUrl(options: SchemaRegistryLocalOptions): string {
  return `http://127.0.0.1:${options.port}/apis/ccompat/v7`;
}

/** Files of the running registry: pid and log, one pair per port. */
export function registryFiles(options: SchemaRegistryLocalOptions) {
  const dir = path.join(options.dataDir, `port-${options.port}`);
  return { dir, pid: path.join(dir, 'registry.pid'), log: path.join(dir, 'registry.log') };
}
