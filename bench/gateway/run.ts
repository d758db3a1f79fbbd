/**
 * Gateway benchmark (issue 12; STYLE.md #12): HTTP enqueue throughput through the gateway
 * (autocannon, POST /api/v1/data/tasks with a tenant API key, C connections) against calling the
 * TaskProducer in-process with the same producer settings and the same concurrency C, on the same
 * broker in the same run; the ratio (goal >= 0.5x) and the p99 request latency at that load.
 * The gateway runs as its own process, `services/gateway/src/main.ts` as `npm start` runs it (a
 * bench may not import a service), with its example task types moved to a queue of the bench's
 * own (GATEWAY_EXAMPLE_QUEUE) and the rate limit out of the way; contenders run one after the
 * other, alternating order per round. Not part of npm test.
 *   npm run bench:gateway [-- --quick] [--seconds S] [--connections C] [--rounds R]
 * Writes bench/results/gateway-<date>.json and prints a markdown table.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { createKafkaClient, createLogger, ensureTopology, kafkaSettingsFromEnv, planQueueTopology } from '@switchyard/kafka';
import { TaskProducer } from '@switchyard/worker';
import { collectEnv, REPO_ROOT, resolveBroker } from '../worker/bench-env.js';

const PARTITIONS = 3;

interface Measure {
  readonly contender: 'in-process TaskProducer' | 'HTTP gateway';
  readonly round: number;
  readonly seconds: number;
  readonly concurrency: number;
  readonly ok: number;
  readonly failed: number;
  readonly perSecond: number;
  readonly latencyMs: { readonly p50: number; readonly p99: number; readonly max: number };
}

const { values } = parseArgs({ options: { quick: { type: 'boolean', default: false }, seconds: { type: 'string' }, connections: { type: 'string' }, rounds: { type: 'string' } } });
const seconds = Number(values.seconds ?? (values.quick ? 5 : 20));
const connections = Number(values.connections ?? 32);
const rounds = Number(values.rounds ?? (values.quick ? 1 : 3));
const broker = await resolveBroker();
process.env.KAFKA_BROKERS = broker.bootstrap;
const env = collectEnv(broker, kafkaSettingsFromEnv().client);
const id = randomUUID().slice(0, 8);
const queue = `bench-gw-${id}`;
const keysTopic = `switchyard.bench.api-keys.${id}`;
const adminKey = randomBytes(32).toString('base64url');
const log = createLogger('bench-gateway', { level: 'warn' });
const client = createKafkaClient(kafkaSettingsFromEnv(), log);
const admin = client.admin();
await admin.connect();
await ensureTopology(admin, { name: queue }, { partitions: PARTITIONS });
console.log(`gateway benchmark: ${rounds} round(s) of ${seconds} s per contender, concurrency ${connections}, queue ${queue} (${PARTITIONS} partitions), ${env.client} on ${broker.bootstrap}`);

const percentile = (sorted: readonly number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
const round1 = (n: number) => Math.round(n * 10) / 10;

/** `concurrency` loops each enqueueing one task at a time for `durationS` seconds. */
const TASK = { type: 'send_email', payload: { to: 'bench@example.com', subject: 'bench' } };

async function inProcess(producer: TaskProducer, round: number, durationS: number): Promise<Measure> {
  const latencies: number[] = [];
  let failed = 0;
  const start = performance.now();
  const until = start + durationS * 1000;
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (performance.now() < until) {
        const t0 = performance.now();
        try {
          await producer.enqueue({ ...TASK, queue }, { tenant: 'bench' });
          latencies.push(performance.now() - t0);
        } catch {
          failed++;
        }
      }
    }),
  );
  const elapsed = (performance.now() - start) / 1000;
  latencies.sort((a, b) => a - b);
  return { contender: 'in-process TaskProducer', round, seconds: round1(elapsed), concurrency: connections, ok: latencies.length, failed, perSecond: Math.round(latencies.length / elapsed), latencyMs: { p50: round1(percentile(latencies, 50)), p99: round1(percentile(latencies, 99)), max: round1(latencies.at(-1) ?? 0) } };
}

async function overHttp(url: string, key: string, round: number, durationS: number): Promise<Measure> {
  const result = await autocannon({
    url: `${url}/api/v1/data/tasks`,
    connections,
    duration: durationS,
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify(TASK),
  });
  const ok = result['2xx'];
  return { contender: 'HTTP gateway', round, seconds: result.duration, concurrency: connections, ok, failed: result.non2xx + result.errors + result.timeouts, perSecond: Math.round(ok / result.duration), latencyMs: { p50: result.latency.p50, p99: result.latency.p99, max: result.latency.max } };
}

/** `npm start`'s gateway process on a free port; resolves its URL from its "gateway running" log line. */
function startGateway(): Promise<{ child: ChildProcess; url: string }> {
  return new Promise((resolve, reject) => {
    const gatewayEnv = { GATEWAY_PORT: '0', GATEWAY_ADMIN_KEY: adminKey, GATEWAY_API_KEYS_TOPIC: keysTopic, GATEWAY_EXAMPLE_QUEUE: queue, GATEWAY_RATE_LIMIT_MAX: '1000000000', LOG_LEVEL: 'info' };
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(REPO_ROOT, 'services/gateway/src/main.ts')], { env: { ...process.env, ...gatewayEnv }, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const line = out.split('\n').find((l) => l.includes('"gateway running"'));
      if (line) resolve({ child, url: (JSON.parse(line) as { url: string }).url });
    });
    child.once('exit', (code) => reject(new Error(`the gateway exited ${code} before listening: ${out.slice(-500)}`)));
  });
}

const producer = new TaskProducer({ client, transactionalIdPrefix: `switchyard.bench.inproc.${id}` });
await producer.connect();
const gateway = await startGateway();
const results: Measure[] = [];
try {
  const created = await fetch(`${gateway.url}/api/v1/admin/api-keys`, { method: 'POST', headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' }, body: JSON.stringify({ tenant: 'bench', scopes: ['tasks:write'] }) });
  const key = ((await created.json()) as { data: { key: string } }).data.key;
  // Warm-up of both paths (connections, producer transactions, JIT), not recorded.
  await inProcess(producer, 0, 1);
  await overHttp(gateway.url, key, 0, 1);
  for (let round = 1; round <= rounds; round++) {
    const order = round % 2 === 1 ? (['in', 'http'] as const) : (['http', 'in'] as const);
    for (const which of order) {
      const measure = which === 'in' ? await inProcess(producer, round, seconds) : await overHttp(gateway.url, key, round, seconds);
      results.push(measure);
      console.log(`  round ${round} ${measure.contender}: ${measure.perSecond}/s, p50 ${measure.latencyMs.p50} ms, p99 ${measure.latencyMs.p99} ms, failed ${measure.failed}`);
    }
  }
} finally {
  gateway.child.kill('SIGTERM');
  await new Promise((resolve) => gateway.child.once('exit', resolve));
  await producer.disconnect();
  const existing = new Set(await admin.listTopics());
  const mine = [...planQueueTopology({ name: queue }, { partitions: PARTITIONS }).map((s) => s.topic), keysTopic].filter((t) => existing.has(t));
  if (mine.length > 0) await admin.deleteTopics(mine);
  await admin.disconnect();
}

const median = (xs: readonly number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
const of = (contender: Measure['contender']) => results.filter((r) => r.contender === contender);
const inMedian = median(of('in-process TaskProducer').map((r) => r.perSecond));
const httpMedian = median(of('HTTP gateway').map((r) => r.perSecond));
const ratio = inMedian > 0 ? Math.round((httpMedian / inMedian) * 100) / 100 : 0;
const summary = { inProcessPerSecond: inMedian, httpPerSecond: httpMedian, ratio, goal: 0.5, met: ratio >= 0.5, httpP99Ms: median(of('HTTP gateway').map((r) => r.latencyMs.p99)), inProcessP99Ms: median(of('in-process TaskProducer').map((r) => r.latencyMs.p99)) };
const table = [
  '| contender | round | concurrency | seconds | enqueued | failed | per second | p50 ms | p99 ms | max ms |',
  '|---|---|---|---|---|---|---|---|---|---|',
  ...results.map((r) => `| ${r.contender} | ${r.round} | ${r.concurrency} | ${r.seconds} | ${r.ok} | ${r.failed} | ${r.perSecond} | ${r.latencyMs.p50} | ${r.latencyMs.p99} | ${r.latencyMs.max} |`),
  '',
  `HTTP / in-process (medians): ${httpMedian} / ${inMedian} per second = **${ratio}x** (goal >= 0.5x: ${summary.met ? 'met' : 'missed'}); HTTP p99 ${summary.httpP99Ms} ms at that load.`,
].join('\n');
console.log(`\n${table}`);
const gatewayVersion = (JSON.parse(readFileSync(path.join(REPO_ROOT, 'services/gateway/package.json'), 'utf8')) as { version: string }).version;
const autocannonVersion = (JSON.parse(readFileSync(path.join(REPO_ROOT, 'node_modules/autocannon/package.json'), 'utf8')) as { version: string }).version;
const dir = path.join(REPO_ROOT, 'bench/results');
mkdirSync(dir, { recursive: true });
const file = path.join(dir, `gateway-${new Date().toISOString().replace(/\.\d+Z$/, 'Z').replace(/:/g, '-')}.json`);
writeFileSync(file, `${JSON.stringify({ benchmark: 'gateway', env: { ...env, versions: { ...env.versions, gateway: gatewayVersion, autocannon: autocannonVersion } }, settings: { seconds, connections, rounds, partitions: PARTITIONS, quick: values.quick }, results, summary, table }, null, 2)}\n`);
console.log(`\nwritten: ${path.relative(REPO_ROOT, file)}`);
