/**
 * The bare consumer of a client library (`--client`): what a throughput bench compares the
 * Switchyard worker / subscription with. Each is written directly against its library.
 */
import { laneTopic } from '@switchyard/kafka';
import type { BenchKafka } from '../worker/bench-kafka.js';
import type { ContenderResult, ContenderRun } from '../worker/contender-meter.js';
import { runBareKafkajs } from '../worker/throughput.contenders.js';
import type { BenchClient } from './bench-clients.js';
import { runBarePlatformatic } from './bare-platformatic.consumer.js';
import { runBarePlatformaticFetch } from './bare-platformatic-fetch.consumer.js';

/** Where a bare consumer reads: the normal lane of a bench queue, with its own group. */
export interface BareConsumerTarget {
  readonly bootstrap: string;
  readonly topic: string;
  readonly groupId: string;
}

/** Which API of the library the bare loop uses. */
export type BareConsumerApi = 'kafkajs eachBatch' | 'platformatic consume stream' | 'platformatic fetch';

/** The API each client's bare contender uses: its fastest consume API. */
export function bareConsumerApi(client: BenchClient): BareConsumerApi {
  // platformatic: its fetch API, not its message stream (a Message object and commit closure per
  // record: 20k vs 112k records/s on 200k records here, bench/README.md), as kafkajs uses eachBatch.
  return client === 'kafkajs' ? 'kafkajs eachBatch' : 'platformatic fetch';
}

export type BareConsumeResult = ContenderResult & { readonly client: BenchClient; readonly api: BareConsumerApi };

/** The bare loop of `client` over the normal lane of `queue` (preloaded), group `groupId`. */
export async function runBareConsumer(client: BenchClient, k: BenchKafka, queue: string, groupId: string, run: ContenderRun, api = bareConsumerApi(client)): Promise<BareConsumeResult> {
  const target: BareConsumerTarget = { bootstrap: k.bootstrap, topic: laneTopic(queue, 'normal'), groupId };
  const result = await (async () => {
    switch (api) {
      case 'kafkajs eachBatch':
        return runBareKafkajs(k, queue, groupId, run);
      case 'platformatic consume stream':
        return runBarePlatformatic(target, run);
      case 'platformatic fetch':
        return runBarePlatformaticFetch(target, run);
    }
  })();
  return { ...result, client, api };
}
