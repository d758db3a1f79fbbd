import { rm } from 'node:fs/promises';
import { requireJava } from '@switchyard/kafka-local';
import { ensureRegistryBuild, isBuilt } from './registry-build.js';
import { livePid, requireFreePort, startRegistry, stopRegistry } from './registry-process.js';
import { subjectsAnswer, waitUntilReady } from './registry-readiness.js';
import {
  confluentUrl,
  registryFiles,
  resolveSchemaRegistryLocalOptions,
  type SchemaRegistryLocalOptions,
  type SchemaRegistryLocalOptionsInput,
} from './schema-registry.options.js';

/** What `ensureLocalSchemaRegistry` did. */
export interface LocalSchemaRegistryHandle {
  /** The Confluent-compatible base URL, e.g. `http://127.0.0.1:8081/apis/ccompat/v7`. */
  readonly url: string;
  /** True when this call started the registry; false when it was already up. */
  readonly started: boolean;
  /** True when this call ran the one-time Maven build first. */
  readonly built: boolean;
  readonly options: SchemaRegistryLocalOptions;
}

/**
 * Brings the local registry up, idempotently: builds Apicurio Registry from Maven Central on
 * first use (cached under the data dir), starts it unless it runs, and waits until
 * `GET <url>/subjects` answers 200.
 */
export async function ensureLocalSchemaRegistry(input?: SchemaRegistryLocalOptionsInput): Promise<LocalSchemaRegistryHandle> {
  const options = resolveSchemaRegistryLocalOptions(input ?? {});
  const url = confluentUrl(options);
  if (await livePid(options)) {
    // Ours and running (maybe still starting, from a concurrent `up`): wait for it, start nothing.
    await waitUntilReady(options, url);
    return { url, started: false, built: false, options };
  }
  await requireFreePort(options.port);
  await requireJava('the local schema registry (Apicurio)');
  const { jar, built } = await ensureRegistryBuild(options.dataDir);
  await requireFreePort(options.port);
  await startRegistry(options, jar);
  await waitUntilReady(options, url);
  return { url, started: true, built, options };
}

/** Stops the registry. With `wipe`, also removes the data dir (build cache, logs): the next `up` rebuilds. */
export async function stopLocalSchemaRegistry(input?: SchemaRegistryLocalOptionsInput, { wipe = false } = {}): Promise<boolean> {
  const options = resolveSchemaRegistryLocalOptions(input ?? {});
  const stopped = await stopRegistry(options);
  if (wipe) await rm(options.dataDir, { recursive: true, force: true });
  return stopped;
}

/** Whether the registry process runs and answers, and where its log is. */
export async function localSchemaRegistryStatus(input?: SchemaRegistryLocalOptionsInput) {
  const options = resolveSchemaRegistryLocalOptions(input ?? {});
  const url = confluentUrl(options);
  const pid = await livePid(options);
  const up = pid !== undefined && (await subjectsAnswer(url));
  return { url, pid, up, built: await isBuilt(options.dataDir), log: registryFiles(options).log, options };
}

/** The registry's log file (it may not exist yet). */
export function localSchemaRegistryLogFile(input?: SchemaRegistryLocalOptionsInput): string {
  return registryFiles(resolveSchemaRegistryLocalOptions(input ?? {})).log;
}
