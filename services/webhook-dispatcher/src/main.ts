/**
 * The webhook dispatcher process: `npx tsx services/webhook-dispatcher/src/main.ts`. Settings from
 * WEBHOOK_* env (see webhook-dispatcher-service.options.ts), Kafka from KAFKA_* env. Run several:
 * each endpoint's subscription is one consumer group, so they share every endpoint's partitions.
 * Stops on SIGTERM/SIGINT (running deliveries finish first). Exit codes: 0 clean stop, 1 runtime
 * failure, 2 bad env.
 */
import { createKafkaClient, kafkaSettingsFromEnv, runService } from '@switchyard/kafka';
import { loadWebhookDispatcherEnv } from './webhook-dispatcher-service.options.js';
import { WebhookDispatcherService } from './webhook-dispatcher-service.js';

await runService({
  name: 'webhook-dispatcher',
  create(log) {
    const env = loadWebhookDispatcherEnv();
    return new WebhookDispatcherService(createKafkaClient(kafkaSettingsFromEnv(), log), env, log);
  },
  started(service, _result, log) {
    log.info({ url: service.url, endpoints: [...service.dispatcher.running().keys()] }, 'webhook dispatcher running');
  },
});
