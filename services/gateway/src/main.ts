/**
 * The gateway process: `npx tsx services/gateway/src/main.ts`. Settings from GATEWAY_* env (see
 * gateway.options.ts), Kafka from KAFKA_* env; serves the example task and event types. Stops on
 * SIGTERM/SIGINT. Exit codes: 0 clean stop, 1 runtime failure, 2 bad env.
 */
import { createKafkaClient, kafkaSettingsFromEnv, runService } from '@switchyard/kafka';
import { exampleTypes } from './example-types.js';
import { loadGatewayEnv, realtimeOptionsOf, serverConfigsOf, type GatewayEnv } from './gateway.options.js';
import { GatewayService } from './gateway-service.js';

let env: GatewayEnv;
await runService({
  name: 'gateway',
  create(log) {
    env = loadGatewayEnv();
    const { rest, http } = serverConfigsOf(env);
    const jwt = env.GATEWAY_JWKS_URL
      ? { jwksUrl: env.GATEWAY_JWKS_URL, tenantClaim: env.GATEWAY_JWT_TENANT_CLAIM, ...(env.GATEWAY_JWT_ISSUER ? { issuer: env.GATEWAY_JWT_ISSUER } : {}), ...(env.GATEWAY_JWT_AUDIENCE ? { audience: env.GATEWAY_JWT_AUDIENCE } : {}) }
      : undefined;
    return new GatewayService({ client: createKafkaClient(kafkaSettingsFromEnv(), log), log, rest, http, types: exampleTypes(env.GATEWAY_EXAMPLE_QUEUE), realtime: realtimeOptionsOf(env), apiKeysTopic: env.GATEWAY_API_KEYS_TOPIC, ...(env.GATEWAY_ADMIN_KEY ? { adminKey: env.GATEWAY_ADMIN_KEY } : {}), ...(jwt ? { jwt } : {}) });
  },
  started(_service, url, log) {
    log.info({ url, api: `${url}/api/v1`, docs: `${url}/api/v1/docs`, adminKey: env.GATEWAY_ADMIN_KEY ? 'from GATEWAY_ADMIN_KEY' : 'none (set GATEWAY_ADMIN_KEY to create keys)' }, 'gateway running');
  },
});
