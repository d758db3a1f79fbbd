/**
 * Loads @confluentinc/kafka-javascript (a native addon over librdkafka) at first use, so a build
 * without the addon still runs every other adapter. The addon is compiled by the root postinstall
 * (deploy/native/build-kafka-native.mjs) for the Node the npm scripts run on.
 */
import { createRequire } from 'node:module';
import { SwitchyardError } from '@switchyard/protocol';
import type * as ConfluentKafka from '@confluentinc/kafka-javascript';

export type ConfluentModule = typeof ConfluentKafka;

let loaded: ConfluentModule | undefined;

/** The library, loaded once; SY_MISSING_TOOL naming the build script when its addon cannot load. */
export function confluentModule(): ConfluentModule {
  if (loaded) return loaded;
  try {
    loaded = createRequire(import.meta.url)('@confluentinc/kafka-javascript') as ConfluentModule;
    return loaded;
  } catch (cause) {
    throw new SwitchyardError(
      'SY_MISSING_TOOL',
      `KAFKA_CLIENT=confluent: the native addon of @confluentinc/kafka-javascript does not load on Node ${process.version} (${(cause as Error).message.split('\n')[0]}).`,
      {
        hint: 'Build it with `node deploy/native/build-kafka-native.mjs` (needs build-essential python3 libssl-dev libsasl2-dev libzstd-dev liblz4-dev zlib1g-dev), run on the Node of node_modules/.bin/node, or set KAFKA_CLIENT=kafkajs.',
        cause,
      },
    );
  }
}
