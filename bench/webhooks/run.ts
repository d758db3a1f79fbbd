/**
 * Webhooks benchmark (issue 15; STYLE.md #12): deliveries/s to a local receiver and the added
 * latency (event published -> receiver called, p50/p99), for one healthy endpoint alone and next to
 * a dead endpoint (a receiver that accepts and never answers) on the same events. The dispatcher
 * (libs/webhooks WebhookDispatcher), the publisher and both receivers run in this process, so the
 * latency is measured on one clock. Each scenario gets a fresh event domain and fresh topics,
 * deleted afterwards.
 *   throughput: M events published first, then the dispatcher starts: first to last delivery.
 *   latency: events published one per call at R/s for S s while the dispatcher runs.
 * Scenarios alternate (alone, beside dead) for --rounds rounds after a discarded warm-up; the table
 * shows the median of the rounds.
 *   npx tsx bench/webhooks/run.ts [--quick] [--events M] [--rate R] [--seconds S] [--concurrency C] [--rounds N]
 * Writes bench/results/webhooks-<date>.json and prints a markdown table. Not part of npm test.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { createEventBus } from '@switchyard/events';
import { createKafkaClient, createLogger, kafkaSettingsFromEnv, subscriptionGroup, type KafkaClient } from '@switchyard/kafka';
import { WebhookDispatcher, WebhookEndpointRegistry, webhookSubscriptionName } from '@switchyard/webhooks';
import { collectEnv, REPO_ROOT, resolveBroker } from '../worker/bench-env.js';

const { values } = parseArgs({ options: { quick: { type: 'boolean', default: false }, events: { type: 'string' }, rate: { type: 'string' }, seconds: { type: 'string' }, concurrency: { type: 'string' }, rounds: { type: 'string' } } });
/** Rounds of (alone, beside dead), alternating, after one discarded warm-up round of each throughput scenario. */
const ROUNDS = Number(values.rounds ?? (values.quick ? 1 : 2));
const EVENTS = Number(values.events ?? (values.quick ? 1_000 : 5_000));
const RATE = Number(values.rate ?? 100);
const SECONDS = Number(values.seconds ?? (values.quick ? 5 : 20));
const CONCURRENCY = Number(values.concurrency ?? 10);
const broker = await resolveBroker();
process.env.KAFKA_BROKERS = broker.bootstrap;
const env = collectEnv(broker, kafkaSettingsFromEnv().client);
const log = createLogger('bench-webhooks', { level: process.env.LOG_LEVEL ?? 'warn' });
const client = createKafkaClient(kafkaSettingsFromEnv(), log);

interface Receiver {
  readonly url: string;
  /** Arrival time per webhook-id (first arrival) and the sentAt the body carried. */
  readonly arrivals: Map<string, { at: number; sentAt: number }>;
  close(): Promise<void>;
}

async function receiver(hang: boolean): Promise<Receiver> {
  const arrivals = new Map<string, { at: number; sentAt: number }>();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (hang) return;
      const at = performance.timeOrigin + performance.now();
      const id = String(req.headers['webhook-id']);
      if (!arrivals.has(id)) arrivals.set(id, { at, sentAt: (JSON.parse(Buffer.concat(chunks).toString('utf8')) as { data: { sentAt: number } }).data.sentAt });
      res.writeHead(204).end();
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    arrivals,
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted.length === 0 ? Number.NaN : sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

function progress(what: string): void {
  if (process.env.BENCH_PROGRESS) console.log(`${new Date().toISOString()} ${what}`);
}

async function until(check: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('bench timed out waiting for deliveries');
    await sleep(5);
  }
}

/** A fresh domain, registry and log topic; the endpoints; cleanup of everything created. */
async function scenario(kafka: KafkaClient, withDead: boolean) {
  const tag = randomUUID().slice(0, 8);
  const domain = `wb${tag}`;
  const registryTopic = `bench.webhooks.endpoints.${tag}`;
  const deliveriesTopic = `bench.webhooks.deliveries.${tag}`;
  const healthy = await receiver(false);
  const dead = withDead ? await receiver(true) : undefined;
  const registry = new WebhookEndpointRegistry(kafka, { topic: registryTopic });
  const ids = [`ok-${tag}`, ...(dead ? [`dead-${tag}`] : [])];
  await registry.create({ id: ids[0]!, eventPattern: `${domain}.*`, url: healthy.url, concurrency: CONCURRENCY });
  if (dead) await registry.create({ id: ids[1]!, eventPattern: `${domain}.*`, url: dead.url, concurrency: CONCURRENCY, timeoutMs: 600_000 });
  const bus = createEventBus({}, { client: kafka, log, topology: { partitions: 6 } });
  await bus.start();
  const dispatcher = new WebhookDispatcher(kafka, { registryTopic, deliveriesTopic, startFrom: 'earliest', reconcileIntervalMs: 500, shutdownTimeoutMs: 0, ssrf: { allow: ['127.0.0.1/32'] } }, { log, topology: { partitions: 6 } });
  const publish = (n: number, from: number) => bus.publishMany(Array.from({ length: n }, (_, i) => ({ name: `${domain}.order.created`, payload: { n: from + i, sentAt: performance.timeOrigin + performance.now() }, metadata: { source: 'bench', timestamp: new Date().toISOString() } })));
  const cleanup = async () => {
    await dispatcher.close();
    await bus.close();
    await registry.disconnect();
    await Promise.all([healthy.close(), dead?.close()]);
    const admin = kafka.admin();
    await admin.connect();
    const subs = ids.map(webhookSubscriptionName);
    const topics = (await admin.listTopics()).filter((t) => t.startsWith(`events.${domain}`) || t === registryTopic || t === deliveriesTopic || subs.some((s) => t.startsWith(`switchyard.subscription.${s}.`)));
    await admin.deleteTopics(topics).catch(() => undefined);
    await admin.deleteGroups(subs.map(subscriptionGroup)).catch(() => undefined);
    await admin.disconnect();
  };
  return { healthy, dispatcher, publish, cleanup, healthyId: ids[0]! };
}

async function throughput(kafka: KafkaClient, withDead: boolean) {
  const s = await scenario(kafka, withDead);
  try {
    for (let i = 0; i < EVENTS; i += 500) await s.publish(Math.min(500, EVENTS - i), i);
    await s.dispatcher.start();
    await until(() => s.healthy.arrivals.size >= EVENTS, 300_000);
    const times = [...s.healthy.arrivals.values()].map((a) => a.at).sort((a, b) => a - b);
    const seconds = (times.at(-1)! - times[0]!) / 1000;
    return { deliveries: EVENTS, seconds: Math.round(seconds * 100) / 100, perSecond: Math.round(EVENTS / seconds) };
  } finally {
    await s.cleanup();
  }
}

async function latency(kafka: KafkaClient, withDead: boolean) {
  const s = await scenario(kafka, withDead);
  try {
    await s.dispatcher.start();
    await until(() => s.dispatcher.running().has(s.healthyId), 60_000);
    // Warm-up: the first events also wait for the subscription's first fetch.
    await s.publish(20, -20);
    progress('latency: warm-up published');
    await until(() => s.healthy.arrivals.size >= 20, 60_000);
    progress('latency: warm-up delivered');
    const total = RATE * SECONDS;
    const start = performance.now();
    for (let i = 0; i < total; i++) {
      const due = start + (i * 1000) / RATE;
      const wait = due - performance.now();
      if (wait > 0) await sleep(wait);
      await s.publish(1, i);
    }
    await until(() => s.healthy.arrivals.size >= total + 20, 120_000);
    const lat = [...s.healthy.arrivals.values()].filter((a) => a.sentAt >= performance.timeOrigin + start).map((a) => a.at - a.sentAt).sort((a, b) => a - b);
    const round = (ms: number) => Math.round(ms * 10) / 10;
    return { events: lat.length, ratePerSecond: RATE, p50Ms: round(percentile(lat, 50)), p99Ms: round(percentile(lat, 99)), maxMs: round(lat.at(-1)!) };
  } finally {
    await s.cleanup();
  }
}

console.log(`webhooks benchmark on ${broker.bootstrap}: ${EVENTS} events for throughput, ${RATE}/s x ${SECONDS} s for latency, endpoint concurrency ${CONCURRENCY}, ${ROUNDS} round(s)`);
progress('warm-up');
await throughput(client, false);
await throughput(client, true);
type Round = { throughputAlone: number; throughputBesideDead: number; latencyAlone: Awaited<ReturnType<typeof latency>>; latencyBesideDead: Awaited<ReturnType<typeof latency>> };
const rounds: Round[] = [];
for (let r = 0; r < ROUNDS; r++) {
  progress(`round ${r + 1}`);
  const throughputAlone = (await throughput(client, false)).perSecond;
  const throughputBesideDead = (await throughput(client, true)).perSecond;
  const latencyAlone = await latency(client, false);
  const latencyBesideDead = await latency(client, true);
  rounds.push({ throughputAlone, throughputBesideDead, latencyAlone, latencyBesideDead });
  console.log(JSON.stringify(rounds.at(-1)));
}
const median = (xs: number[]) => percentile([...xs].sort((a, b) => a - b), 50);
const m = {
  alone: { perSecond: median(rounds.map((r) => r.throughputAlone)), p50: median(rounds.map((r) => r.latencyAlone.p50Ms)), p99: median(rounds.map((r) => r.latencyAlone.p99Ms)) },
  dead: { perSecond: median(rounds.map((r) => r.throughputBesideDead)), p50: median(rounds.map((r) => r.latencyBesideDead.p50Ms)), p99: median(rounds.map((r) => r.latencyBesideDead.p99Ms)) },
};
const ratio = (a: number, b: number) => Math.round((a / b) * 100) / 100;
const table = [
  `| scenario (median of ${ROUNDS}) | deliveries/s | latency p50 ms | latency p99 ms |`,
  '|---|---|---|---|',
  `| alone | ${m.alone.perSecond} | ${m.alone.p50} | ${m.alone.p99} |`,
  `| beside a dead endpoint | ${m.dead.perSecond} | ${m.dead.p50} | ${m.dead.p99} |`,
  `| beside dead / alone | ${ratio(m.dead.perSecond, m.alone.perSecond)} | ${ratio(m.dead.p50, m.alone.p50)} | ${ratio(m.dead.p99, m.alone.p99)} |`,
].join('\n');
console.log(`\n${table}`);
const results = { rounds, median: m };
const dir = path.join(REPO_ROOT, 'bench/results');
mkdirSync(dir, { recursive: true });
const file = path.join(dir, `webhooks-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
writeFileSync(file, `${JSON.stringify({ benchmark: 'webhooks', env, events: EVENTS, rate: RATE, seconds: SECONDS, concurrency: CONCURRENCY, results }, null, 2)}\n`);
console.log(`\nwritten: ${path.relative(REPO_ROOT, file)}`);
process.exit(0);
