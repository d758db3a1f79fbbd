import { setTimeout as sleep } from 'node:timers/promises';
import { SwitchyardError } from '@switchyard/protocol';
import { livePid, logTail } from './registry-process.js';
import type { SchemaRegistryLocalOptions } from './schema-registry.options.js';

/** One `GET <url>/subjects`: true when it answers 200 (the registry serves the Confluent API). */
export async function subjectsAnswer(url: string, timeoutMs = 2_000): Promise<boolean> {
  try {
    const response = await fetch(`${url}/subjects`, { signal: AbortSignal.timeout(timeoutMs) });
    await response.body?.cancel();
    return response.status === 200;
  } catch {
    return false;
  }
}

/**
 * Polls `GET <url>/subjects` until it answers 200. A registry whose process died meanwhile fails
 * at once with the tail of its log.
 */
export async function waitUntilReady(options: SchemaRegistryLocalOptions, url: string): Promise<void> {
  const deadline = Date.now() + options.startTimeoutMs;
  while (Date.now() < deadline) {
    if (!(await livePid(options))) {
      throw new SwitchyardError('SY_BROKER_START_FAILED', `The schema registry exited while starting.\n${await logTail(options)}`, {
        hint: 'Read the log above; `npm run schema-registry:down -- --wipe` removes the build cache, so the next `up` rebuilds it.',
      });
    }
    if (await subjectsAnswer(url)) return;
    await sleep(250);
  }
  throw new SwitchyardError(
    'SY_BROKER_START_FAILED',
    `The schema registry did not answer GET ${url}/subjects within ${options.startTimeoutMs} ms.\n${await logTail(options)}`,
    { hint: 'Raise SCHEMA_REGISTRY_LOCAL_START_TIMEOUT_MS on a slow machine, or read the log above.' },
  );
}
