import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { apiPathOf, SwitchyardError, type GeneratedEndpoint, type RestServerConfig } from '@switchyard/protocol';
import type { WebhookEndpointRegistry } from '@switchyard/webhooks';
import { credentialOf } from '../http/access.js';
import { envelope, enveloped } from '../http/envelope.js';
import { EndpointBody, shown, visibleEndpoint, withBodyField } from '../resources/webhooks.resource.js';
import { OPERATOR_ERRORS, operatorEndpoint } from './operator-route.js';

const IdParams = z.strictObject({ id: z.string().min(1).max(200) });
/** Longest grace a rotation may ask for: 30 days (the registry keeps the old secret signing that long). */
const MAX_GRACE_MS = 30 * 86_400_000;
const RotateBody = z.strictObject({
  graceMs: z.number().int().min(0).max(MAX_GRACE_MS).optional().describe('How long the old secret keeps signing beside the new one, in ms (default: the registry rotationGraceMs, 24 h)'),
  secret: z.string().optional().describe('whsec_<base64 of 24-64 random bytes>; generated when absent'),
});
const DisableBody = z.strictObject({ reason: z.string().min(1).max(500).optional().describe('Why (shown as disabledReason); default "disabled by an operator"') });
/** Like the other two bodies, optional: a POST without a body (null to Fastify) is fine. */
const EnableBody = z.strictObject({});

/**
 * POST `/data/webhooks/:id/rotate-secret`, `/disable` and `/enable` (admin): the CLI's `switchyard
 * webhooks rotate-secret|disable|enable` through the same registry. A tenant-bound admin acts only
 * on its tenant's endpoints; another tenant's endpoint is the same 404 as an unknown one. Rotation
 * answers the new secret once; the old one keeps signing for `graceMs`.
 */
export function registerWebhookActions(app: FastifyInstance, config: RestServerConfig, registry: WebhookEndpointRegistry): GeneratedEndpoint[] {
  const zapp = app.withTypeProvider<ZodTypeProvider>();
  const api = config.api;
  const base = `${apiPathOf(api)}/data/webhooks/:id`;
  const route = { access: 'admin' as const, invalidCode: 'SY_INVALID_ARGUMENT' as const };
  const tags = ['webhooks'];
  const ensureVisible = async (id: string, request: Parameters<typeof credentialOf>[0]) => {
    if (await visibleEndpoint(registry, id, credentialOf(request))) return;
    throw new SwitchyardError('SY_NOTHING_MATCHED', `No webhooks record with id "${id}" is visible to this credential.`, { hint: 'GET /data/webhooks lists the endpoints this credential manages.', details: { field: 'params.id' } });
  };

  const rotateSummary = 'Rotate the signing secret; answers the new secret once (the old one signs beside it for graceMs)';
  zapp.post(`${base}/rotate-secret`, { config: route, schema: { summary: rotateSummary, tags, params: IdParams, body: RotateBody.nullish(), response: { 200: enveloped(api, EndpointBody.extend({ secret: z.string() })), ...OPERATOR_ERRORS } } }, async (request) => {
    await ensureVisible(request.params.id, request);
    const { view, secret } = await registry.rotateSecret(request.params.id, request.body ?? {}).catch((error: unknown) => {
      throw withBodyField(error);
    });
    return envelope(api, request, { ...shown(view), secret });
  });
  const disableSummary = 'Disable an endpoint: no deliveries until it is enabled (events meanwhile wait in its subscription)';
  zapp.post(`${base}/disable`, { config: route, schema: { summary: disableSummary, tags, params: IdParams, body: DisableBody.nullish(), response: { 200: enveloped(api, EndpointBody), ...OPERATOR_ERRORS } } }, async (request) => {
    await ensureVisible(request.params.id, request);
    return envelope(api, request, shown(await registry.disable(request.params.id, request.body?.reason)));
  });
  const enableSummary = 'Enable an endpoint again; it receives what was published while it was disabled';
  zapp.post(`${base}/enable`, { config: route, schema: { summary: enableSummary, tags, params: IdParams, body: EnableBody.nullish(), response: { 200: enveloped(api, EndpointBody), ...OPERATOR_ERRORS } } }, async (request) => {
    await ensureVisible(request.params.id, request);
    return envelope(api, request, shown(await registry.enable(request.params.id)));
  });
  return [
    operatorEndpoint('webhooks', 'rotate-secret', 'POST', `${base}/rotate-secret`, rotateSummary),
    operatorEndpoint('webhooks', 'disable', 'POST', `${base}/disable`, disableSummary),
    operatorEndpoint('webhooks', 'enable', 'POST', `${base}/enable`, enableSummary),
  ];
}
