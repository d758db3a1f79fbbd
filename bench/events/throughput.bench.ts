/**
 * (a) Publish-to-handler throughput: N preloaded events through the client library's bare
 * consumer (`--client`) and through Switchyard subscriptions on that library's adapter (event log
 * off, then on), plus the publish rate of each producer side.
 */
import { createEventBus } from '@switchyard/events';
import type { Logger } from '@switchyard/kafka';
import { PAYLOAD_1KB, type BenchKafka } from '../worker/bench-kafka.js';
import { round } from '../worker/bench-timing.js';
import { runBareConsumer, type BareConsumeResult } from '../clients/bare-consumers.js';
import { publishBareWith, type BarePublishResult } from '../clients/bare-producers.js';
import { bareQueue, createBareTopic, createDomainTopics, eventName, freshDomain, processLoad, type ProcessLoad, type RunResources } from './bench-events.js';
import { publishWithBus, runSubscription, type ConsumeResult, type PublishResult, type SubscriptionConsumeResult } from './throughput.contenders.js';

export interface ThroughputParams {
  readonly events: number;
  /** Handler calls of each consumer before its measured window (JIT warm-up). */
  readonly warmupEvents: number;
  readonly concurrency: number;
  readonly partitions: number;
  /** Bytes of the JSON payload (the record adds ~250 bytes of CloudEvents headers and a tenant key). */
  readonly payloadBytes: number;
  readonly tenants: number;
  readonly chunkSize: number;
}

export interface ThroughputResult {
  readonly params: ThroughputParams;
  readonly domain: string;
  readonly eventName: string;
  readonly publish: { readonly bare: Loaded<BarePublishResult>; readonly switchyard: Loaded<PublishResult> };
  readonly consume: { readonly bare: Loaded<BareConsumeEvents>; readonly switchyardNoLog: Loaded<SubscriptionConsumeResult>; readonly switchyardEventLog: Loaded<SubscriptionConsumeResult> };
  readonly ratios: {
    readonly publishOursOverBare: number;
    readonly noLogOverBare: number;
    readonly eventLogOverBare: number;
    readonly eventLogOverNoLog: number;
  };
}

/** A result with this process's load over the whole contender run (start-up included). */
export type Loaded<T> = T & { readonly load: ProcessLoad };

async function loaded<T>(events: number, run: () => Promise<T>): Promise<Loaded<T>> {
  const load = processLoad();
  const result = await run();
  return { ...result, load: load(events) };
}

/** The bare consumer's result in events (and its library, API and CPU per record). */
export type BareConsumeEvents = ConsumeResult & Pick<BareConsumeResult, 'client' | 'api' | 'cpuUsPerRecord'>;

const fromWorkerBench = (r: BareConsumeResult): BareConsumeEvents => ({
  client: r.client,
  api: r.api,
  cpuUsPerRecord: r.cpuUsPerRecord,
  events: r.tasks,
  warmupEvents: r.warmupTasks,
  eventsPerSec: r.tasksPerSec,
  eventsPerSecWithStartup: r.tasksPerSecWithStartup,
  steadyMs: r.steadyMs,
  startupMs: r.startupMs,
});

export async function runThroughput(k: BenchKafka, res: RunResources, params: ThroughputParams, log: Logger, say: (line: string) => void): Promise<ThroughputResult> {
  const timeoutMs = 120_000 + params.events * 5;
  const domain = freshDomain();
  res.domains.add(domain);
  const plan = { domain, events: params.events, tenants: params.tenants, payload: PAYLOAD_1KB, chunkSize: params.chunkSize };

  const bare = bareQueue(domain, 'tp');
  const bareGroup = `${bare.queue}-bare`;
  res.bareTopics.add(bare.topic);
  res.bareGroups.add(bareGroup);
  await createBareTopic(k, bare.topic, params.partitions);
  const barePublish = await loaded(params.events, () => publishBareWith(k.clientName, k, bare.topic, params.partitions, plan));
  say(`  bare ${barePublish.api}: ${params.events} events in ${barePublish.ms} ms = ${barePublish.eventsPerSec} events/s; consuming...`);
  const bareConsume = await loaded(params.events, async () =>
    fromWorkerBench(await runBareConsumer(k.clientName, k, bare.queue, bareGroup, { tasks: params.events, warmupTasks: params.warmupEvents, concurrency: params.concurrency, partitions: params.partitions, timeoutMs, preloadMs: barePublish.ms })),
  );
  say(`  bare ${bareConsume.api}: ${bareConsume.eventsPerSec} events/s, ${bareConsume.cpuUsPerRecord} µs CPU/event`);

  await createDomainTopics(k, domain, params.partitions);
  const publisher = createEventBus({}, { client: k.client, topology: { partitions: params.partitions }, log });
  await publisher.start();
  let busPublish: Loaded<PublishResult>;
  try {
    busPublish = await loaded(params.events, () => publishWithBus(publisher, plan));
  } finally {
    await publisher.close();
  }
  say(`  bus.publishMany: ${params.events} events in ${busPublish.ms} ms = ${busPublish.eventsPerSec} events/s`);

  const consume = async (eventLog: boolean) => {
    const subscription = `bench-${domain}-${eventLog ? 'log' : 'nolog'}`;
    res.subscriptions.add(subscription);
    const result = await loaded(params.events, () => runSubscription(k, { domain, subscription, eventLog, events: params.events, warmupEvents: params.warmupEvents, concurrency: params.concurrency, partitions: params.partitions, timeoutMs }, log));
    say(`  switchyard eventLog ${eventLog}: ${result.eventsPerSec} events/s (handled: ${result.eventsPerSecHandled}/s, commit tail ${result.commitTailMs} ms, ${result.handlerCalls} handler calls)`);
    return result;
  };
  const switchyardNoLog = await consume(false);
  const switchyardEventLog = await consume(true);

  return {
    params,
    domain,
    eventName: eventName(domain),
    publish: { bare: barePublish, switchyard: busPublish },
    consume: { bare: bareConsume, switchyardNoLog, switchyardEventLog },
    ratios: {
      publishOursOverBare: round(busPublish.eventsPerSec / barePublish.eventsPerSec, 3),
      noLogOverBare: round(switchyardNoLog.eventsPerSec / bareConsume.eventsPerSec, 3),
      eventLogOverBare: round(switchyardEventLog.eventsPerSec / bareConsume.eventsPerSec, 3),
      eventLogOverNoLog: round(switchyardEventLog.eventsPerSec / switchyardNoLog.eventsPerSec, 3),
    },
  };
}
