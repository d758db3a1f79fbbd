/**
 * Child processes of the replay benchmark: spawned with captured output, awaited under a
 * deadline, and stopped by their own pid when the deadline passes.
 */
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { BenchTimeoutError, sleep } from '../worker/bench-timing.js';

/** How much of stderr is kept for error messages. */
const STDERR_TAIL_CHARS = 4_000;

export interface BenchProcess {
  readonly name: string;
  readonly child: ChildProcess;
  /** Resolves with the exit code (null when killed by a signal). */
  readonly exited: Promise<number | null>;
  /** Captured stdout (only when stdout is 'pipe' and `captureStdout` is set). */
  stdout(): string;
  stderrTail(): string;
}

export interface SpawnSpec {
  readonly name: string;
  readonly command: string;
  readonly args: readonly string[];
  readonly options?: SpawnOptions;
  readonly captureStdout?: boolean;
}

export function spawnProcess(spec: SpawnSpec): BenchProcess {
  const child = spawn(spec.command, [...spec.args], { stdio: ['ignore', 'pipe', 'pipe'], ...spec.options });
  const out: Buffer[] = [];
  let err = '';
  if (spec.captureStdout) child.stdout?.on('data', (chunk: Buffer) => out.push(chunk));
  child.stderr?.on('data', (chunk: Buffer) => {
    err = (err + chunk.toString('utf8')).slice(-STDERR_TAIL_CHARS);
  });
  const exited = new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolve(code));
  });
  return { name: spec.name, child, exited, stdout: () => Buffer.concat(out).toString('utf8'), stderrTail: () => err.trim() };
}

/** Stops a process we started: SIGTERM to its pid, SIGKILL if it is still there after `graceMs`. */
async function stop(proc: BenchProcess, graceMs = 5_000): Promise<void> {
  if (proc.child.exitCode !== null || proc.child.signalCode !== null || proc.child.pid === undefined) return;
  proc.child.kill('SIGTERM');
  const gone = await Promise.race([proc.exited.then(() => true, () => true), sleep(graceMs).then(() => false)]);
  if (!gone) proc.child.kill('SIGKILL');
}

/** Waits for every process to exit; past `timeoutMs` all are stopped and BenchTimeoutError is thrown. */
export async function waitForExit(procs: readonly BenchProcess[], what: string, timeoutMs: number): Promise<(number | null)[]> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeoutMs);
  });
  try {
    const outcome = await Promise.race([Promise.all(procs.map((p) => p.exited)), deadline]);
    if (outcome !== 'timeout') return outcome;
    await Promise.all(procs.map((p) => stop(p)));
    throw new BenchTimeoutError(what, timeoutMs, procs.map((p) => `${p.name}: ${p.stderrTail().slice(-300) || 'no stderr'}`).join('; '));
  } finally {
    clearTimeout(timer);
  }
}

/** Linux's USER_HZ: /proc times are in these ticks (100 on every mainstream build). */
const TICKS_PER_SECOND = 100;

/**
 * CPU time (user + system, ms) of this process's children that have exited and been reaped, from
 * /proc/self/stat (cutime, cstime); null where /proc is not there. The difference around a
 * contender's run is the CPU its processes used, all their threads included.
 */
export function reapedChildrenCpuMs(): number | null {
  try {
    const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1]!.split(' ');
    // Fields 16 and 17 of proc(5), counted from the state field (3).
    return ((Number(fields[13]) + Number(fields[14])) * 1000) / TICKS_PER_SECOND;
  } catch {
    return null;
  }
}
