/**
 * Runs the `switchyard` command as a subprocess against the test broker (int tests of every
 * command), and lays out the topics a command needs. It runs the installed bin,
 * node_modules/.bin/switchyard (the symlink npm ci makes), the way `npx switchyard` does.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { ensureTopology, planQueueTopology, taskDlqRedrivenTopic, type KafkaClient } from '@switchyard/kafka';
import { testAdmin, testBrokers, testClient, uniqueName } from '@switchyard/testing';

const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
/** The bin as npm links it at the repo root. */
export const INSTALLED_BIN = fileURLToPath(new URL('../../../node_modules/.bin/switchyard', import.meta.url));

/** How a CLI run ended. */
export interface CliRun {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** A started CLI process and the promise of its outcome. */
export interface CliProcess {
  readonly child: ChildProcess;
  readonly done: Promise<CliRun>;
}

/** Where and with what environment a CLI run starts. */
export interface CliRunOptions {
  /** Working directory; the repo root unless set. */
  readonly cwd?: string;
  /** Variables on top of the test's (KAFKA_BROKERS of the test broker, LOG_LEVEL=error). */
  readonly env?: Readonly<Record<string, string>>;
}

/** Starts `switchyard ...args` (the installed bin) against the test broker; stdin closed. */
export function startCli(args: readonly string[], options: CliRunOptions = {}): CliProcess {
  const child = spawn(INSTALLED_BIN, args, {
    cwd: options.cwd ?? REPO_ROOT,
    env: { ...process.env, KAFKA_BROKERS: testBrokers(), LOG_LEVEL: 'error', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const done = new Promise<CliRun>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  return { child, done };
}

/** Runs `switchyard ...args` to its end. */
export function runCli(args: readonly string[], options: CliRunOptions = {}): Promise<CliRun> {
  return startCli(args, options).done;
}

/** Parses stdout as JSON, with the output in the error when it is not. */
export function jsonOf<T = unknown>(result: CliRun): T {
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
  admin.deleteAfterTest([...topics, taskDlqRedrivenTopic(name)]);
  await ensureTopology(admin, { name }, { partitions });
  return { client, name, admin };
}
