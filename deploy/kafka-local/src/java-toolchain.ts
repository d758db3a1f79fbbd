import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { SwitchyardError } from '@switchyard/protocol';
import { KAFKA_LOCAL_HOME } from './kafka-local.options.js';

const run = promisify(execFile);

/** The `java` to run: $JAVA_HOME/bin/java when JAVA_HOME is set, else the one on PATH. */
export function javaBinary(env: NodeJS.ProcessEnv = process.env): string {
  return env.JAVA_HOME ? path.join(env.JAVA_HOME, 'bin', 'java') : 'java';
}

/**
 * Fails with an install hint unless a JDK 17+ runs. Returns its major version. `purpose` names
 * what needs it, for the message (e.g. "the local Kafka broker").
 */
export async function requireJava(purpose = 'the local Kafka broker'): Promise<number> {
  let output: string;
  try {
    const { stderr, stdout } = await run(javaBinary(), ['-version']);
    output = `${stderr}${stdout}`;
  } catch (cause) {
    throw new SwitchyardError('SY_MISSING_TOOL', `No Java runtime found: ${purpose} runs on a JDK 17 or newer.`, {
      hint: 'Install one (Debian/Ubuntu: `apt-get install openjdk-17-jdk-headless`) or set JAVA_HOME; or use Docker with docker-compose.kafka.yml and set KAFKA_BROKERS.',
      cause,
    });
  }
  const match = /version "(\d+)(?:\.(\d+))?/.exec(output);
  const major = match ? Number(match[1] === '1' ? match[2] : match[1]) : 0;
  if (major < 17) {
    throw new SwitchyardError('SY_MISSING_TOOL', `Java ${major || '(unknown version)'} found; ${purpose} needs Java 17 or newer.`, {
      hint: 'Install a JDK 17+ (`apt-get install openjdk-17-jdk-headless`) and point JAVA_HOME at it.',
    });
  }
  return major;
}

/** Fails with an install hint unless `mvn` runs. `purpose` says what Maven fetches. */
export async function requireMaven(purpose = 'it fetches Apache Kafka from Maven Central'): Promise<void> {
  try {
    await run('mvn', ['-v']);
  } catch (cause) {
    throw new SwitchyardError('SY_MISSING_TOOL', `Maven (\`mvn\`) is not installed: ${purpose}.`, {
      hint: 'Install it (Debian/Ubuntu: `apt-get install maven`), or use Docker with docker-compose.kafka.yml and set KAFKA_BROKERS.',
      cause,
    });
  }
}

/**
 * The broker's Java classpath, resolved by Maven from deploy/kafka-local/pom.xml. Jars stay in
 * Maven's own cache (~/.m2); the classpath is remembered per pom content, so later starts skip Maven.
 */
export async function resolveClasspath(cacheDir: string): Promise<string> {
  const pom = path.join(KAFKA_LOCAL_HOME, 'pom.xml');
  const digest = createHash('sha256').update(await readFile(pom)).digest('hex').slice(0, 16);
  const file = path.join(cacheDir, `classpath-${digest}.txt`);
  if (existsSync(file)) {
    const classpath = (await readFile(file, 'utf8')).trim();
    if (classpath.split(path.delimiter).every((jar) => existsSync(jar))) return classpath;
  }
  await requireMaven();
  await mkdir(cacheDir, { recursive: true });
  try {
    await run(
      'mvn',
      ['-q', '-B', '-f', pom, 'dependency:build-classpath', '-Dmdep.includeScope=runtime', `-Dmdep.outputFile=${file}`],
      { maxBuffer: 16 * 1024 * 1024 },
    );
  } catch (cause) {
    const detail = (cause as { stdout?: string }).stdout?.split('\n').slice(-15).join('\n') ?? '';
    throw new SwitchyardError('SY_BROKER_START_FAILED', `Maven could not resolve Apache Kafka from Maven Central:\n${detail}`, {
      hint: 'Check that this machine reaches Maven Central (or your mirror in ~/.m2/settings.xml), then run `npm run kafka:up` again.',
      cause,
    });
  }
  return (await readFile(file, 'utf8')).trim();
}
