/** Runs the `switchyard` command as a subprocess against the test broker. */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { ensureTopology, planQueueTopology, type KafkaClient } from '@switchyard/kafka';
import { testAdmin, testBrokers, testClient, uniqueName } from '@switchyard/testing';

const MAIN = fileURLToPath(new URL('../main.ts', import.meta.url));
const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** `switchyard ...args` with KAFKA_BROKERS set to the test broker; stdin closed. */
export function runCli(args: readonly string[]): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', MAIN, ...args], {
      cwd: REPO_ROOT,
      env: { ...process.env, KAFKA_BROKERS: testBrokers(), LOG_LEVEL: 'error' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Parses stdout as JSON, with the output in the error when it is not. */
export function jsonOf<T = unknown>(result: CliResult): T {
  try {
    return JSON.parse(result.stdout) as T;
  } catch {
    throw new Error(`stdout is not JSON (exit ${result.code}):\n${result.stdout}\nstderr:\n${result.stderr}`);
  }
}

/** A fresh queue with all its topics (and the CLI's marker topic) deleted after the test. */
export async function freshQueue(partitions = 2): Promise<{ client: KafkaClient; name: string; admin: Awaited<ReturnType<typeof testAdmin>> }> {
  const client = testClient();
  const admin = await testAdmin(client);
  const name = uniqueName('cli').replace(/[^a-z0-9_-]/g, '');
  const topics = planQueueTopology({ name }, { partitions }).map((s) => s.topic);
  admin.deleteAfterTest([...topics, `tasks.${name}.dlq-redriven`]);
  await ensureTopology(admin, { name }, { partitions });
  return { client, name, admin };
}
