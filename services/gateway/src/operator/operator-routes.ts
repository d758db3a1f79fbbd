import type { FastifyInstance } from 'fastify';
import type { AdminPort, KafkaClient } from '@switchyard/kafka';
import type { GeneratedEndpoint, RestServerConfig } from '@switchyard/protocol';
import { objectSelected } from '../http/route-config.js';
import type { ReplayJobs } from '../replays/replay-jobs.js';
import { registerReplayRoutes } from '../replays/replays.routes.js';
import { registerDeadLetterActions } from './dead-letter-actions.routes.js';
import { registerOffsetsRoutes } from './offsets.routes.js';
import type { WebhookEndpointRegistry } from '@switchyard/webhooks';
import { registerWebhookActions } from './webhook-actions.routes.js';

/** What the operator routes run on: the libs/ops engine over the gateway's client and admin. */
export interface OperatorDeps {
  readonly client: KafkaClient;
  readonly admin: AdminPort;
  readonly replays: ReplayJobs;
  /** Webhook endpoints: rotate-secret, disable, enable (none without). */
  readonly webhooks?: WebhookEndpointRegistry;
}

/**
 * The operator routes (admin scope; the registry's create/read/list kinds do not fit actions such
 * as redrive, reset or cancel, so they are explicit routes with the same access config): DLQ
 * redrive and purge, consumer-group offsets, replay jobs, webhook rotate/disable/enable. An object left out by `routes`
 * (includeObjects, excludeObjects, an override with `enabled: false`) gets none of its routes.
 * Returns their endpoint registry entries.
 */
export function registerOperatorRoutes(app: FastifyInstance, config: RestServerConfig, deps: OperatorDeps): GeneratedEndpoint[] {
  const on = (object: string) => objectSelected(object, config.routes);
  return [
    ...(on('dead-letters') ? registerDeadLetterActions(app, config, deps) : []),
    ...(on('offsets') ? registerOffsetsRoutes(app, config, deps.admin) : []),
    ...(on('replays') ? registerReplayRoutes(app, config, deps.replays) : []),
    ...(on('webhooks') && deps.webhooks ? registerWebhookActions(app, config, deps.webhooks) : []),
  ];
}
