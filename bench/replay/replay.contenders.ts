/**
 * The two ways of copying the same range, each timed from spawn to exit while the target's log
 * end is sampled: `switchyard replay` (a subprocess, as an operator runs it) and a kcat pipe.
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { REPO_ROOT } from '../worker/bench-env.js';
import type { BenchKafka } from '../worker/bench-kafka.js';
import { round, sleep } from '../worker/bench-timing.js';
import { reapedChildrenCpuMs, spawnProcess, waitForExit, type BenchProcess } from './bench-process.js';
import { logEntries } from './replay-topics.js';

/** The command an operator runs (services/cli/bin/switchyard: the CLI through tsx, no build step, V8's compile cache on). */
export const CLI_BIN = path.join(REPO_ROOT, 'services/cli/bin/switchyard');
const cliArgs = (bootstrap: string, args: readonly string[]) => [CLI_BIN, '--brokers', bootstrap, '--json', ...args];
const INSTALL_KCAT = 'kcat is not installed. Install it with `apt-get install -y kcat` (Debian/Ubuntu; older releases call it kafkacat) or `brew install kcat` (macOS).';

/** `kcat -V`'s version line, e.g. "1.7.1 (JSON, Transactions, ... librdkafka 2.0.2 ...)"; throws with install help when absent. */
export function kcatVersion(): string {
  let out: string;
  try {
    out = execFileSync('kcat', ['-V'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new Error(INSTALL_KCAT);
    throw err;
  }
  return /Version (.+)/.exec(out)?.[1]?.trim() ?? out.trim();
}

/** Samples of the target's log entries (high - low) over time, taken while a contender runs. */
export interface Progress {
  /** ms from spawn until the first entry showed up in the target. */
  readonly firstEntryMs: number | null;
  /** Records/s between 10% and 90% of the final entries (start-up and tail left out). */
  readonly steadyPerSec: number | null;
}

function watchTarget(k: BenchKafka, topic: string, spawnedAt: number, intervalMs = 200): { done(): Promise<Progress> } {
  const samples: [number, number][] = [];
  let running = true;
  const loop = (async () => {
    while (running) {
      const entries = await logEntries(k, topic).catch(() => undefined);
      if (entries !== undefined) samples.push([performance.now() - spawnedAt, entries]);
      await sleep(intervalMs);
    }
  })();
  return {
    async done() {
      running = false;
      await loop;
      const final = samples.at(-1)?.[1] ?? 0;
      const at = (share: number) => samples.find(([, n]) => n >= share * final);
      const [t10, t90] = [at(0.1), at(0.9)];
      const steady = t10 && t90 && t90[0] > t10[0] ? (t90[1] - t10[1]) / ((t90[0] - t10[0]) / 1000) : null;
      const first = samples.find(([, n]) => n > 0)?.[0];
      return { firstEntryMs: first === undefined ? null : Math.round(first), steadyPerSec: steady === null ? null : Math.round(steady) };
    },
  };
}

export interface ContenderRun {
  readonly wallMs: number;
  /** CPU time of the contender's processes (user + system, all threads), null where not measurable. */
  readonly cpuMs: number | null;
  readonly exitCodes: readonly (number | null)[];
  readonly progress: Progress;
  readonly stderrTail: string;
}

async function timed(k: BenchKafka, target: string, what: string, timeoutMs: number, start: () => BenchProcess[]): Promise<ContenderRun & { procs: BenchProcess[] }> {
  const cpuBefore = reapedChildrenCpuMs();
  const spawnedAt = performance.now();
  const procs = start();
  const watch = watchTarget(k, target, spawnedAt);
  let exitCodes: (number | null)[] = [];
  let wallMs = 0;
  let progress: Progress = { firstEntryMs: null, steadyPerSec: null };
  try {
    exitCodes = await waitForExit(procs, what, timeoutMs);
    wallMs = performance.now() - spawnedAt;
  } finally {
    progress = await watch.done();
  }
  const stderrTail = procs.map((p) => (p.stderrTail() ? `${p.name}: ${p.stderrTail().slice(-600)}` : '')).filter(Boolean).join('\n');
  const cpuAfter = reapedChildrenCpuMs();
  const cpuMs = cpuBefore === null || cpuAfter === null ? null : cpuAfter - cpuBefore;
  return { wallMs: round(wallMs, 1), cpuMs, exitCodes, progress, stderrTail, procs };
}

export interface SwitchyardRun extends ContenderRun {
  readonly args: readonly string[];
  /** The CLI's `--json` summary (seconds = from the copy loop's start, after start-up and planning). */
  readonly summary: { written?: number; read?: number; seconds?: number; complete?: boolean; id?: string } | null;
}

/** `switchyard replay` of every partition's whole range [0, high - 1] to `target`, with its own replay id, on the bench's client (`KAFKA_CLIENT`). */
export async function runSwitchyardReplay(
  k: BenchKafka,
  spec: { source: string; target: string; ends: readonly { partition: number; high: number }[]; replayId: string; timeoutMs: number },
): Promise<SwitchyardRun> {
  const args = ['replay', '--topic', spec.source, '--to-topic', spec.target, '--id', spec.replayId];
  for (const { partition, high } of spec.ends) args.push('--partition', String(partition), '--from-offset', '0', '--to-offset', String(high - 1));
  const run = await timed(k, spec.target, 'switchyard replay', spec.timeoutMs, () => [
    spawnProcess({
      name: 'switchyard',
      command: process.execPath,
      args: cliArgs(k.bootstrap, args),
      options: { cwd: REPO_ROOT, env: { ...process.env, KAFKA_CLIENT: k.clientName, LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn' } },
      captureStdout: true,
    }),
  ]);
  let summary: SwitchyardRun['summary'] = null;
  try {
    summary = JSON.parse(run.procs[0]!.stdout()) as SwitchyardRun['summary'];
  } catch {
    summary = null;
  }
  const { procs: _procs, ...rest } = run;
  return { ...rest, args, summary };
}

export interface KcatRun extends ContenderRun {
  readonly consumerArgs: readonly string[];
  readonly producerArgs: readonly string[];
}

/**
 * `kcat -C ... -f '%k<TAB>%s<LF>' | kcat -P ... -K '<TAB>'`: keys and values, no headers (kcat -P
 * can only add fixed headers). The pipe is two processes joined by an OS pipe, not via Node.
 */
export async function runKcatPipe(k: BenchKafka, spec: { source: string; target: string; timeoutMs: number }): Promise<KcatRun> {
  const consumerArgs = ['-C', '-b', k.bootstrap, '-t', spec.source, '-o', 'beginning', '-e', '-q', '-f', '%k\t%s\n'];
  const producerArgs = ['-P', '-b', k.bootstrap, '-t', spec.target, '-K', '\t'];
  const run = await timed(k, spec.target, 'kcat pipe', spec.timeoutMs, () => {
    const consumer = spawnProcess({ name: 'kcat -C', command: 'kcat', args: consumerArgs });
    const producer = spawnProcess({ name: 'kcat -P', command: 'kcat', args: producerArgs, options: { stdio: [consumer.child.stdout!, 'ignore', 'pipe'] } });
    // The producer holds its own copy of the pipe; ours is closed so only kcat -P reads it.
    consumer.child.stdout!.destroy();
    return [consumer, producer];
  });
  const { procs: _procs, ...rest } = run;
  const shown = (args: string[]) => args.map((a) => a.replace(/\t/g, '\\t').replace(/\n/g, '\\n'));
  return { ...rest, consumerArgs: shown(consumerArgs), producerArgs: shown(producerArgs) };
}

/** Wall time of `switchyard --help`: the CLI's start-up (tsx, imports) without any Kafka work. */
export async function cliStartupMs(timeoutMs = 60_000): Promise<number> {
  const started = performance.now();
  const proc = spawnProcess({ name: 'switchyard --help', command: process.execPath, args: [CLI_BIN, '--help'], options: { cwd: REPO_ROOT } });
  await waitForExit([proc], 'switchyard --help', timeoutMs);
  return round(performance.now() - started, 1);
}
