/**
 * (b) End-to-end latency at a fixed publish rate: publish call -> handler start, for the
 * `--client` library's bare producer + consumer pair and for one Switchyard bus on that library's
 * adapter, one after the other.
 */
import type { KafkaClientName, Logger } from '@switchyard/kafka';
import { startBareLatencyWith } from '../clients/bare-latency.js';
import type { BenchKafka } from '../worker/bench-kafka.js';
import { distribution, round, sleep, waitUntil, type Distribution } from '../worker/bench-timing.js';
import { bareQueue, createBareTopic, freshDomain, processLoad, type ProcessLoad, type RunResources } from './bench-events.js';
import { startSwitchyardLatency, type LatencyContender } from './latency.contenders.js';

export interface LatencyParams {
  /** Events per second, each its own publish call. */
  readonly rate: number;
  readonly seconds: number;
  /** Events published and awaited before the measured run (group joined, fetch loop going). */
  readonly warmupEvents: number;
  readonly concurrency: number;
  readonly partitions: number;
  readonly tenants: number;
  readonly payloadBytes: number;
  /** The Switchyard subscription's eventLog (its default, true). */
  readonly eventLog: boolean;
}

/** Upper bounds (ms) of the latency histogram's buckets; the last bucket is everything above. */
export const HISTOGRAM_BOUNDS_MS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000] as const;

export interface LatencyScenario {
  /** Publish call -> handler start. */
  readonly latencyMs: Distribution;
  /** Publish call -> the publish promise resolved (acknowledged by the broker). */
  readonly publishAckMs: Distribution;
  /** Counts per HISTOGRAM_BOUNDS_MS bucket, plus one for > the last bound. */
  readonly histogram: readonly number[];
  readonly published: number;
  /** Events per second actually started (first to last publish call). */
  readonly achievedRate: number;
  /** Most a publish call started after its due time (the pacing loop's own lag). */
  readonly maxScheduleLagMs: number;
  readonly warmupMs: number;
  /** This process (publisher and consumer together) from the first publish to the last handler call. */
  readonly load: ProcessLoad;
}

export interface LatencyResult {
  readonly params: LatencyParams;
  readonly domain: string;
  /** The `--client` library's bare producer + consumer pair (bench/clients/bare-latency.ts). */
  readonly bare: LatencyScenario & { readonly client: KafkaClientName };
  readonly switchyard: LatencyScenario;
  readonly ratios: { readonly p50: number; readonly p95: number; readonly p99: number; readonly max: number };
}

function histogram(values: readonly number[]): number[] {
  const counts = new Array<number>(HISTOGRAM_BOUNDS_MS.length + 1).fill(0);
  for (const v of values) {
    const bucket = HISTOGRAM_BOUNDS_MS.findIndex((bound) => v <= bound);
    counts[bucket === -1 ? HISTOGRAM_BOUNDS_MS.length : bucket]! += 1;
  }
  return counts;
}

/** Warms a contender up, publishes `rate x seconds` events on schedule, and waits for every handler call. */
async function measure(what: string, contender: LatencyContender, params: LatencyParams): Promise<LatencyScenario> {
  const warmStart = performance.now();
  const warm = Array.from({ length: params.warmupEvents }, (_, w) => -1 - w);
  let warmAcked = 0;
  const warmSends = warm.map((i) => contender.publish(i, performance.now()).then(() => warmAcked++));
  await waitUntil(() => warm.every((i) => contender.latencies.has(i)), { what: `${what} warm-up`, timeoutMs: 90_000, progress: () => `${warmAcked} acked, ${warm.filter((i) => contender.latencies.has(i)).length}/${warm.length} handled` });
  await Promise.all(warmSends);
  const warmupMs = performance.now() - warmStart;

  const total = Math.round(params.rate * params.seconds);
  const intervalMs = 1000 / params.rate;
  const ackMs = new Array<number>(total);
  let settled = 0;
  let failures = 0;
  let lastError = '';
  let maxLag = 0;
  let lastSendAt = 0;
  const load = processLoad();
  const t0 = performance.now();
  for (let i = 0; i < total; i++) {
    const due = t0 + i * intervalMs;
    const wait = due - performance.now();
    // Sleep when ahead; when on time or behind, still yield once so handlers and acks run.
    await (wait >= 1 ? sleep(wait) : new Promise<void>((resolve) => setImmediate(resolve)));
    const at = performance.now();
    lastSendAt = at;
    maxLag = Math.max(maxLag, at - due);
    contender.publish(i, at).then(
      () => {
        ackMs[i] = performance.now() - at;
        settled++;
      },
      (err: unknown) => {
        failures++;
        settled++;
        lastError = err instanceof Error ? err.message : String(err);
      },
    );
  }
  await waitUntil(() => settled === total, { what: `${what} publishes acknowledged`, timeoutMs: 60_000, progress: () => `${settled}/${total} settled` });
  if (failures > 0) throw new Error(`${what}: ${failures} of ${total} publishes failed (last: ${lastError})`);
  const handled = () => {
    let n = 0;
    for (let i = 0; i < total; i++) if (contender.latencies.has(i)) n++;
    return n;
  };
  await waitUntil(() => handled() === total, { what: `${what} events handled`, timeoutMs: 60_000, intervalMs: 20, progress: () => `${handled()}/${total} handled` });
  const used = load(total);
  const latencies = Array.from({ length: total }, (_, i) => contender.latencies.get(i)!);
  return {
    latencyMs: distribution(latencies),
    publishAckMs: distribution(ackMs),
    histogram: histogram(latencies),
    published: total,
    achievedRate: round(((total - 1) / (lastSendAt - t0)) * 1000, 1),
    maxScheduleLagMs: round(maxLag),
    warmupMs: round(warmupMs, 0),
    load: used,
  };
}

export async function runLatency(k: BenchKafka, res: RunResources, params: LatencyParams, log: Logger, say: (line: string) => void): Promise<LatencyResult> {
  const domain = freshDomain();
  res.domains.add(domain);
  const setup = { domain, tenants: params.tenants, partitions: params.partitions, concurrency: params.concurrency };
  const line = (s: LatencyScenario) => `p50 ${s.latencyMs.p50} / p95 ${s.latencyMs.p95} / p99 ${s.latencyMs.p99} / max ${s.latencyMs.max} ms at ${s.achievedRate}/s`;

  const bare = bareQueue(domain, 'lat');
  const groupId = `${bare.queue}-bare`;
  res.bareTopics.add(bare.topic);
  res.bareGroups.add(groupId);
  await createBareTopic(k, bare.topic, params.partitions);
  say(`  bare ${k.clientName}: ${params.rate}/s for ${params.seconds} s...`);
  const bareContender = await startBareLatencyWith(k.clientName, k, { ...setup, topic: bare.topic, groupId });
  let bareScenario: LatencyScenario;
  try {
    bareScenario = await measure(`bare ${k.clientName} latency`, bareContender, params);
  } finally {
    await bareContender.close();
  }
  const bareClient = { ...bareScenario, client: k.clientName };
  say(`  bare ${k.clientName}: ${line(bareClient)}`);

  const subscription = `bench-${domain}-lat`;
  res.subscriptions.add(subscription);
  say(`  switchyard: ${params.rate}/s for ${params.seconds} s...`);
  const ours = await startSwitchyardLatency(k, { ...setup, subscription, eventLog: params.eventLog }, log);
  let switchyard: LatencyScenario;
  try {
    switchyard = await measure('switchyard latency', ours, params);
  } finally {
    await ours.close();
  }
  say(`  switchyard: ${line(switchyard)}`);

  const ratio = (key: 'p50' | 'p95' | 'p99' | 'max') => round(switchyard.latencyMs[key] / bareClient.latencyMs[key], 3);
  return { params, domain, bare: bareClient, switchyard, ratios: { p50: ratio('p50'), p95: ratio('p95'), p99: ratio('p99'), max: ratio('max') } };
}
