/**
 * The webhook dispatcher process: `npx tsx services/webhook-dispatcher/src/main.ts`. Settings from
 * WEBHOOK_* env (see webhook-dispatcher-service.options.ts), Kafka from KAFKA_* env. Run several:
 * each endpoint's subscription is one consumer group, so they share every endpoint's partitions.
 * Stops on SIGTERM/SIGINT (running deliveries finish first). Exit codes: 0 clean stop, 1 runtime
 * failure, 2 bad env.
 */
import { createKafkaClient, createLogger, kafkaSettingsFromEnv } from '@switchyard/kafka';
import { isSwitchyardError } from '@switchyard/protocol';
import { loadWebhookDispatcherEnv } from './webhook-dispatcher-service.options.js';
import { WebhookDispatcherService } from './webhook-dispatcher-service.js';

const EXIT = Object.freeze({ ok: 0, failed: 1, badConfig: 2 });
const CONFIG_CODES = new Set(['SY_INVALID_ENV', 'SY_INVALID_CONFIG']);

function fail(error: unknown): never {
  if (isSwitchyardError(error)) console.error(`${error.code}: ${error.message}${error.hint ? `\nFix: ${error.hint}` : ''}`);
  else console.error(error);
  process.exit(isSwitchyardError(error) && CONFIG_CODES.has(error.code) ? EXIT.badConfig : EXIT.failed);
}

async function main(): Promise<void> {
  const log = createLogger('webhook-dispatcher');
  const env = loadWebhookDispatcherEnv();
  const service = new WebhookDispatcherService(createKafkaClient(kafkaSettingsFromEnv(), log), env, log);
  let stopping = false;
  const stop = () => {
    if (stopping) process.exit(EXIT.failed);
    stopping = true;
    service.stop().then(() => process.exit(EXIT.ok), fail);
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  await service.start();
  log.info({ url: service.url, endpoints: [...service.dispatcher.running().keys()] }, 'webhook dispatcher running');
}

main().catch(fail);
