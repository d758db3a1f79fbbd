import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { closeSync, existsSync, openSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { SwitchyardError } from '@switchyard/protocol';
import { requireMaven } from '@switchyard/kafka-local';
import { SCHEMA_REGISTRY_HOME } from './schema-registry.options.js';


/** The build inputs: their content names the cached build. */
const BUILD_INPUTS = ['pom.xml', path.join('src', 'main', 'resources', 'application.properties')];

/** Where the build for the current pom.xml + application.properties lives (or will). */
export async function buildDir(dataDir: string): Promise<string> {
  const hash = createHash('sha256');
  for (const file of BUILD_INPUTS) hash.update(await readFile(path.join(SCHEMA_REGISTRY_HOME, file)));
  return path.join(dataDir, `build-${hash.digest('hex').slice(0, 16)}`);
}

/** The runnable jar of a build (Quarkus fast-jar layout: quarkus-run.jar next to lib/ and app/). */
export function runnerJar(dir: string): string {
  return path.join(dir, 'quarkus-app', 'quarkus-run.jar');
}

/** True when the current build inputs have already been built. */
export async function isBuilt(dataDir: string): Promise<boolean> {
  const dir = await buildDir(dataDir);
  return existsSync(path.join(dir, 'complete')) && existsSync(runnerJar(dir));
}

/**
 * The registry's runnable jar. The first call (per content of pom.xml and application.properties)
 * runs `mvn package`: Maven downloads Apicurio Registry and its dependencies into ~/.m2 and
 * quarkus-maven-plugin builds them into <dataDir>/build-<hash>/quarkus-app, which holds copies of
 * every jar it needs. Later calls return that jar without running Maven.
 */
export async function ensureRegistryBuild(dataDir: string): Promise<{ jar: string; built: boolean }> {
  const dir = await buildDir(dataDir);
  const jar = runnerJar(dir);
  if (await isBuilt(dataDir)) return { jar, built: false };
  await requireMaven('it fetches and builds Apicurio Registry from Maven Central (once, on the first start)');
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  const log = path.join(dataDir, 'maven-build.log');
  const fd = openSync(log, 'w');
  let code: number;
  try {
    const child = spawn('mvn', ['-B', '-f', path.join(SCHEMA_REGISTRY_HOME, 'pom.xml'), 'package', '-DskipTests', `-Dregistry.build.dir=${dir}`], {
      stdio: ['ignore', fd, fd],
    });
    code = await new Promise<number>((resolve, reject) => {
      child.once('error', reject);
      child.once('exit', (exitCode) => resolve(exitCode ?? 1));
    });
  } finally {
    closeSync(fd);
  }
  if (code !== 0 || !existsSync(jar)) {
    const tail = (await readFile(log, 'utf8')).split('\n').filter((line) => !line.includes('Download')).slice(-25).join('\n');
    throw new SwitchyardError('SY_BROKER_START_FAILED', `Maven could not build Apicurio Registry (exit ${code}):\n--- last lines of ${log} ---\n${tail}`, {
      hint: 'Check that this machine reaches Maven Central (or your mirror in ~/.m2/settings.xml), then run `npm run schema-registry:up` again.',
    });
  }
  await writeFile(path.join(dir, 'complete'), `${new Date().toISOString()}\n`);
  return { jar, built: true };
}
