/**
 * Which Kafka client library a benchmark runs on (`--client`, issue 10 item 3): the Switchyard
 * contender through `createKafkaClient({ client })`, each bare contender on that library's own
 * bare loop (bare-consumers.ts, bare-producers.ts).
 */
import { DEFAULT_KAFKA_CLIENT, KAFKA_CLIENTS, type KafkaClientName } from '@switchyard/kafka';
import { clientVersions, type ClientVersions } from '../worker/bench-env.js';

export type BenchClient = KafkaClientName;
export const BENCH_CLIENTS: readonly BenchClient[] = KAFKA_CLIENTS;
/** The client a bench runs on without `--client`: the project's default. */
export const DEFAULT_BENCH_CLIENT: BenchClient = DEFAULT_KAFKA_CLIENT;

export const CLIENT_FLAG_HELP = `--client ${BENCH_CLIENTS.join('|')} (default ${DEFAULT_BENCH_CLIENT})`;

/** `--client` of one bench run: one client name, checked. */
export function parseClientFlag(value: string | undefined, usage: string): BenchClient {
  const name = (value ?? DEFAULT_BENCH_CLIENT).trim();
  if (!(BENCH_CLIENTS as readonly string[]).includes(name)) throw new Error(`--client must be one of ${BENCH_CLIENTS.join(', ')} (got "${name}"). ${usage}`);
  return name as BenchClient;
}

/** `--clients`: `all` or a comma-separated list of names, checked, in the given order. */
export function parseClientsFlag(value: string | undefined, usage: string): BenchClient[] {
  if (value === undefined || value.trim() === 'all') return [...BENCH_CLIENTS];
  return [...new Set(value.split(',').map((s) => parseClientFlag(s, usage)))];
}

/** The library (and version) a client name stands for, e.g. `@platformatic/kafka 2.12.1`. */
export function clientLibrary(client: BenchClient, v: ClientVersions = clientVersions()): string {
  if (client === 'kafkajs') return `kafkajs ${v.kafkajs}`;
  return `@platformatic/kafka ${v.platformaticKafka}`;
}
