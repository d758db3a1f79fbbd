/**
 * The replay's writer alone: N lanes (transactional producers of the chosen client, each on its
 * own transactional id) write replay-shaped transactions in parallel, back to back, as the
 * replay's CopyWriter lanes do (send + sendOffsets + commit). Prints records/s, cores busy, and
 * per lane count the latency of each step and the library's retries (by operation; on
 * @platformatic/kafka only). Not part of npm test.
 *   npx tsx bench/replay/writer-probe.ts [--client platformatic] [--lanes 1,2,4] [--records 200000] [--tx 2500]
 */
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { Base } from '@platformatic/kafka';
import type { ProducerPort } from '@switchyard/kafka';
import { parseClientFlag } from '../clients/bench-clients.js';
import { resolveBroker } from '../worker/bench-env.js';
import { BenchResources, openBenchKafka } from '../worker/bench-kafka.js';
import { distribution, round } from '../worker/bench-timing.js';
import { REPLAY_HEADERS } from '@switchyard/kafka';
import { createTopics, keyOf, uniqueTopic, valueOf } from './replay-topics.js';

const PARTITIONS = 6;
const { values } = parseArgs({
  options: { client: { type: 'string' }, lanes: { type: 'string', default: '1,2,4' }, records: { type: 'string', default: '200000' }, tx: { type: 'string', default: '2500' } },
});
const client = parseClientFlag(values.client, 'npx tsx bench/replay/writer-probe.ts [--client c] [--lanes 1,2,4] [--records N] [--tx N]');
const laneCounts = values.lanes.split(',').map(Number);
const total = Number(values.records);
const txRecords = Number(values.tx);

const retries = new Map<string, number>();
const trace: string[] = [];
const traceStart = performance.now();
const emit = Base.prototype.emitWithDebug;
Base.prototype.emitWithDebug = function (this: Base, section: string, name: string, ...args: unknown[]) {
  if (process.env.PROBE_TRACE && section === 'client') trace.push(`${round(performance.now() - traceStart)} ${name} ${String(args[0])}`);
  if (name === 'performWithRetry:retry') retries.set(String(args[0]), (retries.get(String(args[0])) ?? 0) + 1);
  return emit.call(this, section, name, ...args);
} as typeof emit;

const k = await openBenchKafka((await resolveBroker()).bootstrap, client);
const res = new BenchResources();
try {
  for (const lanes of laneCounts) {
    const target = uniqueTopic('probe_dst');
    const source = uniqueTopic('probe_src');
    await createTopics(k, res, [target], PARTITIONS);
    await createTopics(k, res, [source], Math.max(...laneCounts));
    const id = randomUUID().slice(0, 8);
    const group = `bench_probe_${id}`;
    res.defer(() => k.rawAdmin.deleteGroups([group]));
    const producers: ProducerPort[] = Array.from({ length: lanes }, (_, lane) => k.client.producer({ transactionalId: `bench_probe_${id}_${lane}`, transactionTimeoutMs: 30_000 }));
    await Promise.all(producers.map((p) => p.connect()));
    retries.clear();
    const steps = { send: [] as number[], offsets: [] as number[], commit: [] as number[], total: [] as number[] };
    const perLane = Math.ceil(total / lanes / txRecords);
    const replayedAt = new Date().toISOString();
    const cpu = process.cpuUsage();
    const started = performance.now();
    await Promise.all(
      producers.map(async (producer, lane) => {
        for (let n = 0; n < perLane; n++) {
          const records = Array.from({ length: txRecords }, (_, j) => {
            const i = (lane * perLane + n) * txRecords + j;
            return { key: keyOf(i), value: valueOf(i), headers: { [REPLAY_HEADERS.origin]: `${source}/${lane}/${i}`, [REPLAY_HEADERS.replayedAt]: replayedAt, [REPLAY_HEADERS.replayId]: 'probe' } };
          });
          const t0 = performance.now();
          if (process.env.PROBE_TRACE) trace.push(`${round(t0 - traceStart)} --- tx ${lane}/${n}`);
          const tx = await producer.transaction();
          await tx.send([{ topic: target, records }]);
          const t1 = performance.now();
          await tx.sendOffsets({ groupId: group, generationId: -1, memberId: '' }, [{ topic: source, partition: lane, offset: String((n + 1) * txRecords) }]);
          const t2 = performance.now();
          await tx.commit();
          const t3 = performance.now();
          steps.send.push(t1 - t0);
          steps.offsets.push(t2 - t1);
          steps.commit.push(t3 - t2);
          steps.total.push(t3 - t0);
        }
      }),
    );
    const ms = performance.now() - started;
    if (process.env.PROBE_TRACE) console.log(trace.splice(0).join('\n'));
    const { user, system } = process.cpuUsage(cpu);
    const n = lanes * perLane * txRecords;
    await Promise.all(producers.map((p) => p.disconnect()));
    const d = (s: number[]) => {
      const x = distribution(s);
      return `mean ${x.mean} p50 ${x.p50} p95 ${x.p95} p99 ${x.p99} max ${x.max}`;
    };
    console.log(
      JSON.stringify({ client, lanes, txRecords, records: n, recordsPerSec: Math.round(n / (ms / 1000)), coresBusy: round((user + system) / 1000 / ms, 2), cpuUsPerRecord: round((user + system) / n, 1), retries: Object.fromEntries(retries) }),
    );
    console.log(`  send ${d(steps.send)} | offsets ${d(steps.offsets)} | commit ${d(steps.commit)} | tx ${d(steps.total)}`);
  }
} finally {
  await res.cleanup(k.log);
  await k.close();
}
