/**
 * Realtime benchmark (issue 13; STYLE.md #12): publish-to-client latency of the gateway's streams
 * at N SSE clients (default 1,000, `eventsource`) and at W WebSocket clients (default 100, `ws`),
 * and the gateway's CPU and RSS per 1,000 clients. The gateway runs as its own process
 * (`services/gateway/src/main.ts`, as `npm start` runs it; a bench may not import a service); the
 * clients and the publisher (an in-process EventPublisher of libs/events, one event per call, paced)
 * run in this process, so the latency is from the publish call to the client's message event on
 * one clock. The clients share this process's one thread: at 1,000 SSE clients each event is 1,000
 * messages to parse one after the other, so the default SSE client is a light one (node:http and
 * a minimal parser); `--sse-client eventsource` uses the eventsource package (several times the
 * client CPU per message, which then shows up in the latency). Goal: p99 <= 50 ms. Not part of npm test.
 *   npx tsx bench/realtime/run.ts [--quick] [--sse N] [--ws W] [--rate EVENTS_PER_S] [--seconds S] [--sse-client light|eventsource]
 * Writes bench/results/realtime-<date>.json and prints a markdown table.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { get } from 'node:http';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { EventSource } from 'eventsource';
import WebSocket from 'ws';
import { z } from 'zod';
import { EventCodec, EventMetrics, EventPublisher, EventTopologyOptionsSchema, EventTypeCatalog } from '@switchyard/events';
import { createKafkaClient, createLogger, kafkaSettingsFromEnv } from '@switchyard/kafka';
import { collectEnv, REPO_ROOT, resolveBroker } from '../worker/bench-env.js';

const { values } = parseArgs({ options: { quick: { type: 'boolean', default: false }, sse: { type: 'string' }, ws: { type: 'string' }, rate: { type: 'string' }, seconds: { type: 'string' }, 'sse-client': { type: 'string', default: 'light' } } });
/** `light`: a bare http.get and a minimal SSE parser per client (the clients' own cost stays small); `eventsource`: the eventsource package (fetch and WHATWG streams per client). */
const sseClient = values['sse-client'] === 'eventsource' ? 'eventsource' : 'light';
const sseClients = Number(values.sse ?? 1_000);
const wsClients = Number(values.ws ?? 100);
const rate = Number(values.rate ?? 20);
const seconds = Number(values.seconds ?? (values.quick ? 5 : 15));
const broker = await resolveBroker();
process.env.KAFKA_BROKERS = broker.bootstrap;
const env = collectEnv(broker, kafkaSettingsFromEnv().client);
const id = randomUUID().slice(0, 8);
const tenant = `bench-rt-${id}`;
const keysTopic = `switchyard.bench.api-keys.${id}`;
const adminKey = randomBytes(32).toString('base64url');
const log = createLogger('bench-realtime', { level: 'warn' });
const client = createKafkaClient(kafkaSettingsFromEnv(), log);
const EVENT = 'example.greeted';
const CLOCK_TICKS = 100;

const percentile = (sorted: readonly number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
const round1 = (n: number) => Math.round(n * 10) / 10;

/** CPU seconds (user + system) and RSS (MiB) of a process, from /proc. */
function usage(pid: number): { cpuS: number; rssMiB: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const cpuS = (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
  const rssKb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
  return { cpuS, rssMiB: round1(rssKb / 1024) };
}

function startGateway(): Promise<{ child: ChildProcess; url: string }> {
  return new Promise((resolve, reject) => {
    const gatewayEnv = { GATEWAY_PORT: '0', GATEWAY_ADMIN_KEY: adminKey, GATEWAY_API_KEYS_TOPIC: keysTopic, GATEWAY_RATE_LIMIT_MAX: '1000000000', LOG_LEVEL: 'info' };
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

interface Receiver {
  /** Latencies (ms) per received bench event. */
  readonly latencies: number[];
  received: number;
  close(): void;
}

const sent = new Map<string, number>();

function onEvent(receiver: Receiver, data: string): void {
  const event = JSON.parse(data) as { payload?: { greeting?: string } };
  const t0 = sent.get(event.payload?.greeting ?? '');
  if (t0 === undefined) return;
  receiver.received++;
  receiver.latencies.push(performance.now() - t0);
}

/** An SSE client on node:http with a minimal parser: only `event: event` blocks are decoded. */
function openLightSse(api: string, key: string): Promise<Receiver> {
  return new Promise((resolve, reject) => {
    const request = get(`${api}/stream?events=${EVENT}&access_token=${key}`, (response) => {
      if (response.statusCode !== 200) return reject(new Error(`SSE client got ${response.statusCode}`));
      response.setEncoding('utf8');
      const receiver: Receiver = { latencies: [], received: 0, close: () => request.destroy() };
      let buffer = '';
      let ready = false;
      response.on('data', (chunk: string) => {
        buffer += chunk;
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          if (!ready && block.includes('event: ready')) {
            ready = true;
            resolve(receiver);
          } else if (block.includes('event: event\n')) {
            const data = block.slice(block.indexOf('data: ') + 6);
            onEvent(receiver, data);
          }
        }
      });
    });
    request.once('error', reject);
  });
}

function openSse(api: string, key: string): Promise<Receiver> {
  if (sseClient === 'light') return openLightSse(api, key);
  const receiver: Receiver = { latencies: [], received: 0, close: () => source.close() };
  const source = new EventSource(`${api}/stream?events=${EVENT}&access_token=${key}`);
  source.addEventListener('event', (e) => onEvent(receiver, e.data));
  return new Promise((resolve, reject) => {
    source.addEventListener('ready', () => resolve(receiver), { once: true });
    source.onerror = (e) => reject(new Error(`SSE client failed: ${String(e.message)}`));
  });
}

function openWs(api: string, key: string): Promise<Receiver> {
  const socket = new WebSocket(`${api.replace('http', 'ws')}/stream/ws?events=${EVENT}&access_token=${key}`);
  const receiver: Receiver = { latencies: [], received: 0, close: () => socket.close() };
  return new Promise((resolve, reject) => {
    socket.on('message', (raw) => {
      const message = JSON.parse(raw.toString()) as { type: string; data: unknown };
      if (message.type === 'ready') resolve(receiver);
      else if (message.type === 'event') onEvent(receiver, JSON.stringify(message.data));
    });
    socket.once('error', reject);
  });
}

interface Phase {
  readonly transport: 'SSE' | 'WebSocket';
  readonly clients: number;
  readonly events: number;
  readonly deliveries: number;
  readonly expected: number;
  readonly latencyMs: { readonly p50: number; readonly p99: number; readonly max: number };
  readonly gatewayCpuPercent: number;
  /** CPU of this process (the clients and the publisher) over the same time: near 100 %, the clients are what limits the latency. */
  readonly clientsCpuPercent: number;
  readonly gatewayCpuPer1000Clients: number;
  readonly rssIdleMiB: number;
  readonly rssConnectedMiB: number;
  readonly rssPer1000ClientsMiB: number;
}

async function phase(transport: Phase['transport'], count: number, api: string, key: string, pid: number, publisher: EventPublisher): Promise<Phase> {
  await sleep(1_000);
  const idle = usage(pid);
  const receivers: Receiver[] = [];
  for (let i = 0; i < count; i += 100) receivers.push(...(await Promise.all(Array.from({ length: Math.min(100, count - i) }, () => (transport === 'SSE' ? openSse(api, key) : openWs(api, key))))));
  await sleep(2_000);
  const connected = usage(pid);
  const total = Math.round(rate * seconds);
  const benchCpu0 = process.cpuUsage();
  const startedAt = performance.now();
  for (let n = 0; n < total; n++) {
    const greeting = `${transport}-${n}`;
    const due = startedAt + (n * 1_000) / rate;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    sent.set(greeting, performance.now());
    await publisher.publish({ name: EVENT, payload: { greeting, to: 'bench' }, metadata: { tenantId: tenant, source: 'bench-realtime', timestamp: new Date().toISOString() } });
  }
  const deadline = Date.now() + 30_000;
  while (receivers.some((r) => r.received < total) && Date.now() < deadline) await sleep(50);
  const after = usage(pid);
  const elapsedS = (performance.now() - startedAt) / 1_000;
  const benchCpu = process.cpuUsage(benchCpu0);
  for (const r of receivers) r.close();
  const latencies = receivers.flatMap((r) => r.latencies).sort((a, b) => a - b);
  const cpuPercent = ((after.cpuS - connected.cpuS) / elapsedS) * 100;
  return {
    transport,
    clients: count,
    events: total,
    deliveries: latencies.length,
    expected: total * count,
    latencyMs: { p50: round1(percentile(latencies, 50)), p99: round1(percentile(latencies, 99)), max: round1(latencies.at(-1) ?? 0) },
    gatewayCpuPercent: round1(cpuPercent),
    clientsCpuPercent: round1(((benchCpu.user + benchCpu.system) / 1e6 / elapsedS) * 100),
    gatewayCpuPer1000Clients: round1((cpuPercent * 1_000) / count),
    rssIdleMiB: idle.rssMiB,
    rssConnectedMiB: connected.rssMiB,
    rssPer1000ClientsMiB: round1(((connected.rssMiB - idle.rssMiB) * 1_000) / count),
  };
}

const catalog = new EventTypeCatalog(log);
catalog.define({ name: EVENT, version: '1.0.0', schema: z.strictObject({ greeting: z.string(), to: z.string() }) });
const publisher = new EventPublisher({ client, codec: new EventCodec(catalog), topology: EventTopologyOptionsSchema.parse({}), metrics: new EventMetrics() });
await publisher.connect();
await publisher.ensureDomains([EVENT]);
const gateway = await startGateway();
const api = `${gateway.url}/api/v1`;
const results: Phase[] = [];
try {
  const created = await fetch(`${api}/admin/api-keys`, { method: 'POST', headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' }, body: JSON.stringify({ tenant, scopes: ['events:read'] }) });
  const key = ((await created.json()) as { data: { key: string } }).data.key;
  console.log(`realtime benchmark: ${sseClients} SSE (${sseClient} client) and ${wsClients} WebSocket clients, ${rate} events/s for ${seconds} s each, ${env.client} on ${broker.bootstrap}`);
  if (sseClients > 0) results.push(await phase('SSE', sseClients, api, key, gateway.child.pid!, publisher));
  if (wsClients > 0) results.push(await phase('WebSocket', wsClients, api, key, gateway.child.pid!, publisher));
} finally {
  gateway.child.kill('SIGTERM');
  await publisher.disconnect();
  const admin = client.admin();
  await admin.connect();
  await admin.deleteTopics([keysTopic]).catch(() => undefined);
  await admin.disconnect();
}

const table = [
  '| transport | clients | events/s | deliveries (expected) | p50 ms | p99 ms | max ms | gateway CPU % | CPU % per 1,000 clients | clients CPU % | RSS idle / connected MiB | RSS per 1,000 clients MiB |',
  '|---|---|---|---|---|---|---|---|---|---|---|---|',
  ...results.map((r) => `| ${r.transport} | ${r.clients} | ${rate} | ${r.deliveries} (${r.expected}) | ${r.latencyMs.p50} | ${r.latencyMs.p99} | ${r.latencyMs.max} | ${r.gatewayCpuPercent} | ${r.gatewayCpuPer1000Clients} | ${r.clientsCpuPercent} | ${r.rssIdleMiB} / ${r.rssConnectedMiB} | ${r.rssPer1000ClientsMiB} |`),
  '',
  `Goal p99 <= 50 ms: ${results.map((r) => `${r.transport} ${r.latencyMs.p99 <= 50 ? 'met' : 'missed'}`).join(', ')}.`,
].join('\n');
console.log(`\n${table}`);
const version = (p: string) => (JSON.parse(readFileSync(path.join(REPO_ROOT, p), 'utf8')) as { version: string }).version;
const dir = path.join(REPO_ROOT, 'bench/results');
mkdirSync(dir, { recursive: true });
const file = path.join(dir, `realtime-${new Date().toISOString().replace(/\.\d+Z$/, 'Z').replace(/:/g, '-')}.json`);
writeFileSync(file, `${JSON.stringify({ benchmark: 'realtime', env: { ...env, versions: { ...env.versions, gateway: version('services/gateway/package.json'), eventsource: version('node_modules/eventsource/package.json'), ws: version('node_modules/ws/package.json'), fastifyWebsocket: version('node_modules/@fastify/websocket/package.json') } }, settings: { sseClients, wsClients, rate, seconds, sseClient, quick: values.quick }, results, table }, null, 2)}\n`);
console.log(`\nwritten: ${path.relative(REPO_ROOT, file)}`);
process.exit(0);
