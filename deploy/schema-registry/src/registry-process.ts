import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { SwitchyardError } from '@switchyard/protocol';
import { fileTail, javaBinary, livePidOf, portIsFree } from '@switchyard/kafka-local';
import { registryFiles, type SchemaRegistryLocalOptions } from './schema-registry.options.js';

/** The pid of the registry when that process is alive, else undefined. */
export function livePid(options: SchemaRegistryLocalOptions): Promise<number | undefined> {
  return livePidOf(registryFiles(options).pid);
}

/** Fails with SY_PORT_IN_USE, naming the variable to change, when another process holds the port. */
export async function requireFreePort(port: number): Promise<void> {
  if (await portIsFree(port)) return;
  throw new SwitchyardError('SY_PORT_IN_USE', `Port ${port} on 127.0.0.1 is already in use by another process.`, {
    hint: `Stop what listens there (\`ss -ltnp 'sport = :${port}'\` shows it), or pick another port with SCHEMA_REGISTRY_LOCAL_PORT=<port>.`,
  });
}

/**
 * JVM flags: a small heap, and the runtime settings of Quarkus/Apicurio. Storage stays Apicurio's
 * default, SQL on an in-memory H2 database (data lives as long as the process).
 */
function javaArgs(options: SchemaRegistryLocalOptions, jar: string): string[] {
  return [
    `-Xmx${options.heap}`,
    '-XX:+UseSerialGC',
    '-Djava.awt.headless=true',
    '-Dquarkus.http.host=127.0.0.1',
    `-Dquarkus.http.port=${options.port}`,
    '-Dquarkus.log.console.color=false',
    '-jar',
    jar,
  ];
}

/** Starts the registry detached, logging to its own file, and records its pid. */
export async function startRegistry(options: SchemaRegistryLocalOptions, jar: string): Promise<number> {
  const files = registryFiles(options);
  await mkdir(files.dir, { recursive: true });
  const fd = openSync(files.log, 'a');
  const child = spawn(javaBinary(), javaArgs(options, jar), {
    stdio: ['ignore', fd, fd],
    detached: true,
    // Apicurio reads HTTP_PORT for its prod profile; keep it in step with the port we ask for.
    env: { ...process.env, HTTP_PORT: String(options.port) },
  });
  closeSync(fd);
  child.unref();
  const pid = child.pid;
  if (pid === undefined) {
    throw new SwitchyardError('SY_BROKER_START_FAILED', `Could not start \`${javaBinary()}\` for the schema registry.`, {
      hint: 'Check that `java -version` works, or set JAVA_HOME.',
    });
  }
  await writeFile(files.pid, `${pid}\n`);
  return pid;
}

/** Stops the registry: SIGTERM (Quarkus shuts down gracefully), then SIGKILL after the grace period. */
export async function stopRegistry(options: SchemaRegistryLocalOptions, graceMs = 20_000): Promise<boolean> {
  const files = registryFiles(options);
  const pid = await livePid(options);
  if (!pid) {
    await rm(files.pid, { force: true });
    return false;
  }
  process.kill(pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline && (await livePid(options))) await sleep(100);
  if (await livePid(options)) process.kill(pid, 'SIGKILL');
  while (await livePid(options)) await sleep(100);
  await rm(files.pid, { force: true });
  return true;
}

/** The last lines of the registry log, for error messages. */
export function logTail(options: SchemaRegistryLocalOptions, lines = 40): Promise<string> {
  return fileTail(registryFiles(options).log, lines);
}
