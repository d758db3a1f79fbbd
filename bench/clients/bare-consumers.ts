/**
 * The bare consumer of a client library (`--client`): what a throughput bench compares the
 * Switchyard worker / subscription with. Each is written directly against its library.
 */
import { laneTopic } from '@switchyard/kafka';
import type { BenchKafka } from '../worker/bench-kafka.js';
import type { ContenderResult, ContenderRun } from '../worker/contender-meter.js';
import { runBareKafkajs } from '../worker/throughput.contenders.js';
import type { BenchClient } from './bench-clients.js';
import { runBareConfluentKafkajsApi, runBareConfluentNative } from './bare-confluent.consumers.js';
import { runBarePlatformatic } from './bare-platformatic.consumer.js';

/** Where a bare consumer reads: the normal lane of a bench queue, with its own group. */
export interface BareConsumerTarget {
  readonly bootstrap: string;
  readonly topic: string;
  readonly groupId: string;
}

/** Which API of the library the bare loop uses. */
export type BareConsumerApi = 'kafkajs eachBatch' | 'confluent KafkaJS eachBatch' | 'confluent native consume(n)' | 'platformatic consume stream';

/**
 * The API each client's bare contender uses by default: its fastest consume API. For Confluent
 * the native `consume(n)` loop was faster than the KafkaJS-compatible eachBatch in the quick runs
 * (bench/README.md "Choosing the Confluent bare loop"); `BENCH_CONFLUENT_API=kafkajs` picks the other.
 */
export function bareConsumerApi(client: BenchClient): BareConsumerApi {
  if (client === 'kafkajs') return 'kafkajs eachBatch';
  if (client === 'platformatic') return 'platformatic consume stream';
  return process.env.BENCH_CONFLUENT_API === 'kafkajs' ? 'confluent KafkaJS eachBatch' : 'confluent native consume(n)';
}

export type BareConsumeResult = ContenderResult & { readonly client: BenchClient; readonly api: BareConsumerApi };

/** The bare loop of `client` over the normal lane of `queue` (preloaded), group `groupId`. */
export async function runBareConsumer(client: BenchClient, k: BenchKafka, queue: string, groupId: string, run: ContenderRun, api = bareConsumerApi(client)): Promise<BareConsumeResult> {
  const target: BareConsumerTarget = { bootstrap: k.bootstrap, topic: laneTopic(queue, 'normal'), groupId };
  const result = await (async () => {
    switch (api) {
      case 'kafkajs eachBatch':
        return runBareKafkajs(k, queue, groupId, run);
      case 'confluent KafkaJS eachBatch':
        return runBareConfluentKafkajsApi(target, run);
      case 'confluent native consume(n)':
        return runBareConfluentNative(target, run);
      case 'platformatic consume stream':
        return runBarePlatformatic(target, run);
    }
  })();
  return { ...result, client, api };
}
