import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { SwitchyardError } from '@switchyard/protocol';
import { javaBinary } from './registry-build.js';
import { registryFiles, type SchemaRegistryLocalOptions } from './schema-registry.options.js';

/** The pid of the registry when that process is alive, else undefined. */
export async function livePid(options: SchemaRegistryLocalOptions): Promise<number | undefined> {
  const file = registryFiles(options).pid;
  if (!existsSync(file)) return undefined;
  const pid = Number((await readFile(file, 'utf8')).trim());
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  try {
    process.kill(pid, 0);
    return pid;
  } catch {
    return undefined;
  }
}

/** Resolves true when nothing listens on 127.0.0.1:port. */
export function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
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
export async function logTail(options: SchemaRegistryLocalOptions, lines = 40): Promise<string> {
  const file = registryFiles(options).log;
  if (!existsSync(file)) return `(no log at ${file})`;
  const text = await readFile(file, 'utf8');
  return `--- last ${lines} lines of ${file} ---\n${text.split('\n').slice(-lines - 1).join('\n')}`;
}
