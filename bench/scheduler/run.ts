/**
 * Scheduler benchmark, side by side on one machine (STYLE.md #12): N jobs firing once a minute
 * (all at second 0), firing lag p50/p99 and peak RSS of the scheduler process, against BullMQ job
 * schedulers (repeatable jobs) on Redis. Contenders run one after the other, each in its own process.
 *   npm run bench:scheduler [-- --jobs N] [--rounds M] [--quick]
 * Writes bench/results/scheduler-<date>.json. Not part of npm test.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { collectEnv, REPO_ROOT, redisUrl, resolveBroker } from '../worker/bench-env.js';
import type { ContenderResult } from './contender-stats.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));

function runContender(file: string, env: Record<string, string>): Promise<ContenderResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(HERE, file)], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.once('exit', (code) => {
      const line = out.trim().split('\n').at(-1) ?? '';
      if (code === 0 && line.startsWith('{')) resolve(JSON.parse(line) as ContenderResult);
      else reject(new Error(`${file} exited ${code}: ${out.slice(-500)}`));
    });
  });
}

const { values } = parseArgs({ options: { jobs: { type: 'string' }, rounds: { type: 'string' }, quick: { type: 'boolean', default: false } } });
const jobs = Number(values.jobs ?? (values.quick ? 1_000 : 10_000));
const rounds = Number(values.rounds ?? (values.quick ? 1 : 2));
const broker = await resolveBroker();
const env = collectEnv(broker);
console.log(`scheduler benchmark: ${jobs} jobs firing at second 0 of every minute, ${rounds} minute(s) each, on ${broker.bootstrap} and ${redisUrl()}`);
const common = { KAFKA_BROKERS: broker.bootstrap, BENCH_JOBS: String(jobs), BENCH_ROUNDS: String(rounds), BENCH_REDIS_URL: redisUrl(), LOG_LEVEL: 'warn' };
const results: ContenderResult[] = [];
const errors: Record<string, string> = {};
for (const file of ['switchyard.contender.ts', 'bullmq.contender.ts']) {
  console.log(`\n${file}: waiting for the minute ticks...`);
  try {
    const result = await runContender(file, { ...common, BENCH_ID: randomUUID().slice(0, 8) });
    results.push(result);
    console.log(`  ${JSON.stringify(result)}`);
  } catch (error) {
    errors[file] = (error as Error).message;
    console.log(`  FAILED: ${errors[file]}`);
  }
}
const table = [
  '| contender | jobs x rounds | fired | duplicates | lag p50 ms | lag p99 ms | lag max ms | peak RSS MiB | lag measured at |',
  '|---|---|---|---|---|---|---|---|---|',
  ...results.map((r) => `| ${r.contender} | ${r.jobs} x ${r.rounds} | ${r.fired} | ${r.duplicates} | ${r.lagMs.p50} | ${r.lagMs.p99} | ${r.lagMs.max} | ${r.peakRssMiB} | ${r.measuredAt} |`),
].join('\n');
console.log(`\n${table}`);
const dir = path.join(REPO_ROOT, 'bench/results');
mkdirSync(dir, { recursive: true });
const file = path.join(dir, `scheduler-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
writeFileSync(file, `${JSON.stringify({ benchmark: 'scheduler', env, jobs, rounds, results, errors }, null, 2)}\n`);
console.log(`\nwritten: ${path.relative(REPO_ROOT, file)}`);
