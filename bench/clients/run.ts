/**
 * Every bench once per client library, one after the other, in one run (issue 10 item 3):
 *   npm run bench:clients [-- --clients all|kafkajs,platformatic] [--benches worker,events,replay] [--quick]
 * Each bench runs as its own child process (`bench/<bench>/run.ts --client <c>`; its CPU figures
 * are that process's alone) and writes its usual result file; bench:worker runs (a) only and
 * bench:events (a) only (the table's numbers). Then one comparison table
 * (clients-table.ts) is printed and written with the file names to bench/results/clients-<date>.json.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { collectEnv, REPO_ROOT, resolveBroker, type BenchEnv } from '../worker/bench-env.js';
import { writeReport } from '../worker/report.js';
import { BENCH_CLIENTS, clientLibrary, parseClientsFlag, type BenchClient } from './bench-clients.js';
import { clientRow, clientsTable, type ClientReports, type ClientRow } from './clients-table.js';

const BENCHES = ['worker', 'events', 'replay'] as const;
type Bench = (typeof BENCHES)[number];
const USAGE = `usage: npm run bench:clients -- [--clients all|${BENCH_CLIENTS.join(',')}] [--benches ${BENCHES.join(',')}] [--quick]`;

/** Each bench's own arguments in this mode: only the parts the table reads. */
const BENCH_ARGS: Record<Bench, readonly string[]> = { worker: ['--only', 'a'], events: ['--only', 'a'], replay: [] };
/** A child that runs longer than this is killed (full sizes take minutes; this only catches a stuck run). */
const CHILD_DEADLINE_MS = 30 * 60_000;
/** A child still alive this long after it wrote its result file is stopped (a leaked client handle). */
const AFTER_REPORT_GRACE_MS = 60_000;

function options() {
  const { values } = parseArgs({ options: { clients: { type: 'string' }, benches: { type: 'string' }, quick: { type: 'boolean', default: false }, help: { type: 'boolean', default: false } } });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const benches = (values.benches ?? BENCHES.join(',')).split(',').map((s) => s.trim());
  for (const b of benches) if (!(BENCHES as readonly string[]).includes(b)) throw new Error(`--benches takes ${BENCHES.join(', ')} (got "${b}"). ${USAGE}`);
  return { clients: parseClientsFlag(values.clients, USAGE), benches: benches as Bench[], quick: values.quick };
}

/** Runs one bench for one client; echoes its output prefixed; resolves with the result file it wrote (or why not). */
function runChild(bench: Bench, client: BenchClient, quick: boolean): Promise<{ file?: string; error?: string }> {
  const args = ['--import', 'tsx', path.join(REPO_ROOT, 'bench', bench, 'run.ts'), '--client', client, ...BENCH_ARGS[bench], ...(quick ? ['--quick'] : [])];
  const prefix = `[${client} ${bench}] `;
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { cwd: REPO_ROOT, env: process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let file: string | undefined;
    let tail = '';
    const echo = (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      tail = (tail + text).slice(-2000);
      for (const line of text.split('\n')) {
        if (line.trim() === '') continue;
        const wrote = /^wrote (\S+\.json)$/.exec(line.trim())?.[1];
        if (wrote && !file) setTimeout(() => child.kill('SIGTERM'), AFTER_REPORT_GRACE_MS).unref();
        file = wrote ?? file;
        console.log(prefix + line);
      }
    };
    child.stdout.on('data', echo);
    child.stderr.on('data', echo);
    const timer = setTimeout(() => child.kill('SIGTERM'), CHILD_DEADLINE_MS);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (file) resolve({ file, ...(code === 0 ? {} : { error: `exited ${code ?? signal}: a part failed (see its result file's errors)` }) });
      else resolve({ error: `exited ${code ?? signal} without a result file: ${tail.trim().split('\n').slice(-3).join(' / ')}` });
    });
  });
}

interface ClientsBenchReport {
  readonly benchmark: 'clients';
  readonly mode: 'quick' | 'full';
  /** `env.client` is the default; each row names its own client. */
  readonly env: BenchEnv;
  readonly clients: readonly BenchClient[];
  readonly benches: readonly Bench[];
  readonly durationS: number;
  readonly rows: readonly ClientRow[];
  readonly table: string;
}

async function main(): Promise<void> {
  const { clients, benches, quick } = options();
  const broker = await resolveBroker();
  const env = collectEnv(broker);
  const started = performance.now();
  console.log(`bench:clients (${quick ? 'quick' : 'full'}): ${benches.join(', ')} for ${clients.join(', ')} on ${broker.bootstrap}`);
  const rows: ClientRow[] = [];
  for (const client of clients) {
    const reports: Record<string, unknown> = {};
    const files: ClientRow['files'] = {};
    const errors: Record<string, string> = {};
    for (const bench of benches) {
      const { file, error } = await runChild(bench, client, quick);
      if (error) errors[bench] = error;
      if (!file) continue;
      files[bench] = path.relative(REPO_ROOT, file);
      reports[bench] = JSON.parse(readFileSync(file, 'utf8')) as unknown;
    }
    rows.push(clientRow(client, clientLibrary(client, env.versions.clients), reports as ClientReports, files, errors));
  }
  const table = clientsTable(rows);
  const report: ClientsBenchReport = { benchmark: 'clients', mode: quick ? 'quick' : 'full', env, clients, benches, durationS: Math.round((performance.now() - started) / 1000), rows, table };
  const out = writeReport(report);
  const failures = rows.flatMap((r) => Object.entries(r.errors).map(([bench, e]) => `- ${r.client} ${bench}: ${e}`));
  console.log(`\n${table}\n${failures.length > 0 ? `\n${failures.join('\n')}\n` : ''}\nwrote ${out}`);
  process.exitCode = failures.length > 0 ? 1 : 0;
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
