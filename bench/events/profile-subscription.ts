/**
 * Where a subscription's CPU goes: publishes `--events` events (bench (a)'s shape: ~1 KB payload,
 * 100 tenants, 6 partitions) with the bus, then runs a Switchyard subscription (no-op handler,
 * concurrency 50, `--event-log` on or off) over them until every offset is committed, under the V8
 * profiler (node:inspector, this process only, publishing excluded), and prints self time by area,
 * the top self frames and the top inclusive frames.
 *
 *   npx tsx bench/events/profile-subscription.ts [--events 50000] [--event-log] [--client platformatic] [--out <file.cpuprofile>]
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { parseArgs } from 'node:util';
import { createEventBus } from '@switchyard/events';
import { createLogger } from '@switchyard/kafka';
import { openBenchKafka, PAYLOAD_1KB } from '../worker/bench-kafka.js';
import { resolveBroker } from '../worker/bench-env.js';
import { summarize, type CpuProfile } from '../profile/cpu-profile-summary.js';
import { parseClientFlag } from '../clients/bench-clients.js';
import { createDomainTopics, freshDomain, RunResources } from './bench-events.js';
import { publishWithBus, runSubscription } from './throughput.contenders.js';

const usage = 'usage: npx tsx bench/events/profile-subscription.ts [--events N] [--event-log] [--client kafkajs|platformatic] [--out file]';
const { values } = parseArgs({ options: { events: { type: 'string', default: '50000' }, 'event-log': { type: 'boolean', default: false }, client: { type: 'string' }, out: { type: 'string' }, top: { type: 'string', default: '25' } } });
const events = Number(values.events);
if (!Number.isInteger(events) || events < 1_000) throw new Error(`--events must be a whole number >= 1000; ${usage}`);
const PARTITIONS = 6;

const broker = await resolveBroker();
const k = await openBenchKafka(broker.bootstrap, parseClientFlag(values.client, usage));
const log = createLogger('bench.events.profile', { level: 'warn' });
const res = new RunResources();
const session = new Session();
try {
  const domain = freshDomain();
  res.domains.add(domain);
  await createDomainTopics(k, domain, PARTITIONS);
  const publisher = createEventBus({}, { client: k.client, topology: { partitions: PARTITIONS }, log });
  await publisher.start();
  try {
    await publishWithBus(publisher, { domain, events, tenants: 100, payload: PAYLOAD_1KB, chunkSize: 1_000 });
  } finally {
    await publisher.close();
  }
  const subscription = `prof-${domain}`;
  res.subscriptions.add(subscription);
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 200 });
  await session.post('Profiler.start');
  const cpuBefore = process.cpuUsage();
  const result = await runSubscription(k, { domain, subscription, eventLog: values['event-log'], events, warmupEvents: 0, concurrency: 50, partitions: PARTITIONS, timeoutMs: 120_000 + events * 5 }, log);
  const cpu = process.cpuUsage(cpuBefore);
  const { profile } = (await session.post('Profiler.stop')) as { profile: CpuProfile };
  if (values.out) writeFileSync(values.out, JSON.stringify(profile));
  const summary = summarize(profile, Number(values.top));
  console.log(
    `client ${k.clientName}: ${events} events, eventLog ${values['event-log']}: ${result.eventsPerSec} events/s, ${Math.round(((cpu.user + cpu.system) / events) * 10) / 10} µs CPU/event (profiler on, start-up included); profile ${summary.totalMs} ms, idle ${summary.idleMs} ms`,
  );
  for (const [title, rows] of [['self time by area', summary.byArea], ['self time', summary.self], ['inclusive time', summary.inclusive]] as const) {
    console.log(`-- ${title}`);
    for (const [ms, share, name] of rows) console.log(`${String(ms).padStart(7)} ms ${String(share).padStart(5)}%  ${name}`);
  }
} finally {
  session.disconnect();
  await res.cleanup(k).catch((error: unknown) => console.error('cleanup failed', error));
  await k.close();
}
process.exit(0);
