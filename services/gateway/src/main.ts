/**
 * The gateway process: `npx tsx services/gateway/src/main.ts`. Settings from GATEWAY_* env (see
 * gateway.options.ts), Kafka from KAFKA_* env; serves the example task and event types. Stops on
 * SIGTERM/SIGINT. Exit codes: 0 clean stop, 1 runtime failure, 2 bad env.
 */
import { createKafkaClient, createLogger, kafkaSettingsFromEnv } from '@switchyard/kafka';
import { isSwitchyardError } from '@switchyard/protocol';
import { exampleTypes } from './example-types.js';
import { loadGatewayEnv, realtimeOptionsOf, serverConfigsOf } from './gateway.options.js';
import { GatewayService } from './gateway-service.js';

const EXIT = Object.freeze({ ok: 0, failed: 1, badConfig: 2 });
const CONFIG_CODES = new Set(['SY_INVALID_ENV', 'SY_INVALID_CONFIG']);

function fail(error: unknown): never {
  if (isSwitchyardError(error)) console.error(`${error.code}: ${error.message}${error.hint ? `\nFix: ${error.hint}` : ''}`);
  else console.error(error);
  process.exit(isSwitchyardError(error) && CONFIG_CODES.has(error.code) ? EXIT.badConfig : EXIT.failed);
}

async function main(): Promise<void> {
  const log = createLogger('gateway');
  const env = loadGatewayEnv();
  const { rest, http } = serverConfigsOf(env);
  const jwt = env.GATEWAY_JWKS_URL
    ? { jwksUrl: env.GATEWAY_JWKS_URL, tenantClaim: env.GATEWAY_JWT_TENANT_CLAIM, ...(env.GATEWAY_JWT_ISSUER ? { issuer: env.GATEWAY_JWT_ISSUER } : {}), ...(env.GATEWAY_JWT_AUDIENCE ? { audience: env.GATEWAY_JWT_AUDIENCE } : {}) }
    : undefined;
  const service = new GatewayService({ client: createKafkaClient(kafkaSettingsFromEnv(), log), log, rest, http, types: exampleTypes(env.GATEWAY_EXAMPLE_QUEUE), realtime: realtimeOptionsOf(env), apiKeysTopic: env.GATEWAY_API_KEYS_TOPIC, ...(env.GATEWAY_ADMIN_KEY ? { adminKey: env.GATEWAY_ADMIN_KEY } : {}), ...(jwt ? { jwt } : {}) });
  let stopping = false;
  const stop = () => {
    if (stopping) process.exit(EXIT.failed);
    stopping = true;
    service.stop().then(() => process.exit(EXIT.ok), fail);
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  const url = await service.start();
  log.info({ url, api: `${url}/api/v1`, docs: `${url}/api/v1/docs`, adminKey: env.GATEWAY_ADMIN_KEY ? 'from GATEWAY_ADMIN_KEY' : 'none (set GATEWAY_ADMIN_KEY to create keys)' }, 'gateway running');
}

main().catch(fail);
