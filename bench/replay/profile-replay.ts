/**
 * Where a replay's CPU goes: preloads a source topic (or reuses one), runs `switchyard replay` of
 * it once with `node --cpu-prof` (the main thread and the writer threads each write a profile),
 * and prints the top self-time frames of every profile. Not part of npm test.
 *   npx tsx bench/replay/profile-replay.ts [--records N] [--client platformatic] [--source <topic>] [--keep] [--no-prof] [--dry-run] [--top N]
 *   (--dry-run: the CLI's --dry-run, the reader and copy loop alone, nothing written)
 *   npx tsx bench/replay/profile-replay.ts --profiles <dir>   (only summarize the profiles of an earlier run)
 */
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { randomUUID } from 'node:crypto';
import { replayGroup } from '@switchyard/kafka';
import { parseClientFlag } from '../clients/bench-clients.js';
import { REPO_ROOT, resolveBroker } from '../worker/bench-env.js';
import { BenchResources, openBenchKafka } from '../worker/bench-kafka.js';
import { reapedChildrenCpuMs, spawnProcess, waitForExit } from './bench-process.js';
import { countCopies, createTopics, preloadSource, uniqueTopic } from './replay-topics.js';
import { CLI_BIN } from './replay.contenders.js';
import { summarize, type CpuProfile } from '../profile/cpu-profile-summary.js';

const PARTITIONS = 6;

/** Prints the summary of every profile in `dir`. */
function printProfiles(dir: string, top: number): void {
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'))) {
    const summary = summarize(JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as CpuProfile, top);
    console.log(`\n${path.join(dir, file)}: ${summary.totalMs} ms, idle ${summary.idleMs} ms`);
    for (const [title, rows] of [['self time by area', summary.byArea], ['self time', summary.self], ['inclusive time', summary.inclusive]] as const) {
      console.log(`-- ${title}`);
      for (const [ms, share, name] of rows) console.log(`${String(ms).padStart(7)} ms ${String(share).padStart(5)}%  ${name}`);
    }
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      records: { type: 'string', default: '300000' },
      client: { type: 'string' },
      source: { type: 'string' },
      keep: { type: 'boolean', default: false },
      'no-prof': { type: 'boolean', default: false },
      'dry-run': { type: 'boolean', default: false },
      profiles: { type: 'string' },
      top: { type: 'string', default: '25' },
    },
  });
  if (values.profiles) {
    printProfiles(values.profiles, Number(values.top));
    return;
  }
  const records = Number(values.records!.replace(/[_,]/g, ''));
  const client = parseClientFlag(values.client, 'profile-replay.ts [--client name]');
  const broker = await resolveBroker();
  const k = await openBenchKafka(broker.bootstrap, client);
  const res = new BenchResources();
  try {
    let source = values.source;
    if (!source) {
      source = uniqueTopic('prof_src');
      const create = new BenchResources();
      await createTopics(k, values.keep ? create : res, [source], PARTITIONS);
      const preload = await preloadSource(k, source, records, PARTITIONS);
      console.log(`preloaded ${records} records into ${source} in ${Math.round(preload.ms)} ms${values.keep ? ' (kept)' : ''}`);
    }
    const ends = (await k.rawAdmin.fetchTopicOffsets(source)).map((p) => ({ partition: p.partition, high: Number(p.high) }));
    const total = ends.reduce((n, p) => n + p.high, 0);
    const target = uniqueTopic('prof_dst');
    await createTopics(k, res, [target], PARTITIONS);
    const replayId = `prof-${randomUUID().slice(0, 8)}`;
    res.defer(() => k.rawAdmin.deleteGroups([replayGroup(replayId)]));
    const args = ['replay', '--topic', source, '--to-topic', target, '--id', replayId, ...(values['dry-run'] ? ['--dry-run'] : [])];
    for (const { partition, high } of ends) args.push('--partition', String(partition), '--from-offset', '0', '--to-offset', String(high - 1));
    const dir = mkdtempSync(path.join(os.tmpdir(), 'replay-prof-'));
    const prof = values['no-prof'] ? [] : ['--cpu-prof', '--cpu-prof-dir', dir];
    const cpuBefore = reapedChildrenCpuMs();
    const started = performance.now();
    const proc = spawnProcess({
      name: 'switchyard',
      command: process.execPath,
      args: [...prof, CLI_BIN, '--brokers', broker.bootstrap, '--json', ...args],
      options: { cwd: REPO_ROOT, env: { ...process.env, KAFKA_CLIENT: client, LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn' } },
      captureStdout: true,
    });
    const [code] = await waitForExit([proc], 'switchyard replay', 120_000 + total * 0.5);
    const wallMs = performance.now() - started;
    const cpuMs = (reapedChildrenCpuMs() ?? 0) - (cpuBefore ?? 0);
    console.log(`exit ${code}; ${total} records in ${Math.round(wallMs)} ms = ${Math.round(total / (wallMs / 1000))} records/s; ${(cpuMs / 1000).toFixed(1)} CPU-s = ${((cpuMs * 1000) / total).toFixed(2)} µs/record`);
    if (code !== 0) console.log(proc.stderrTail());
    console.log(proc.stdout().trim());
    if (!values['dry-run']) {
      const count = await countCopies(k, target, total, 60_000 + total * 0.1);
      console.log(`target: ${count.records} records, exact: ${count.exact}, ${count.nonRecordEntries} markers`);
    }
    printProfiles(dir, Number(values.top));
  } finally {
    await res.cleanup(k.log);
    await k.close();
  }
  process.exit(0);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.stack : err);
  process.exit(1);
});
