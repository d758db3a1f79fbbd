import { z } from 'zod';
import { isSwitchyardError, SwitchyardError } from '@switchyard/protocol';
import { webhookSubscriptionName, WebhookEndpointSchema, type EndpointView, type NewEndpointInput, type WebhookEndpointRegistry } from '@switchyard/webhooks';
import { TenantSchema, type Credential } from '../auth/credential.js';
import type { ResourceDefinition } from './resource-definition.js';

const CURSOR = /^[0-9]{1,9}$/;

/** An endpoint as the API shows it: no secret; where its dead letters are. */
export const EndpointBody = z.object({
  endpoint: z.looseObject({ id: z.string(), url: z.string(), eventPattern: z.string(), enabled: z.boolean(), tenant: z.string().optional() }),
  createdAt: z.string(),
  updatedAt: z.string(),
  disabledReason: z.string().optional(),
  previousSecretExpiresAt: z.string().optional(),
  subscription: z.string().describe('The event-bus subscription delivering to it: its dead letters are GET /data/dead-letters?subscription=<this>'),
});

/** A new endpoint: the seed's EventWebhookConfig (without transform), id and secret optional (generated: whsec_...). */
const NewEndpointBody = WebhookEndpointSchema.extend({
  id: WebhookEndpointSchema.shape.id.optional(),
  secret: z.string().optional().describe('whsec_<base64 of 24-64 random bytes>; generated when absent'),
});

/**
 * The registry's refusals start with the field they are about (`url: ...`, `endpoint.id: ...`,
 * `endpoint.secret: ...`): the same field of the request body, named in `field` like a schema refusal.
 */
export function withBodyField(error: unknown): unknown {
  if (!isSwitchyardError(error) || typeof error.details?.field === 'string' && !String(error.details.field).startsWith('endpoint.')) return error;
  const match = /^(?:endpoint\.)?([A-Za-z][A-Za-z.]*): /.exec(error.message);
  if (!match) return error;
  const field = match[1]!;
  return new SwitchyardError(error.code, `${field}: ${error.message.slice(match[0].length)}`, { ...(error.hint ? { hint: error.hint } : {}), details: { ...error.details, field }, cause: error });
}

export const shown = (view: EndpointView) => ({ ...view, subscription: webhookSubscriptionName(view.endpoint.id) });

/** A tenant-bound credential sees and manages only its tenant's endpoints. */
const visibleTo = (credential: Credential, view: EndpointView) => credential.tenant === undefined || view.endpoint.tenant === credential.tenant;

/**
 * The endpoint `id` if this credential may see it; undefined when it does not exist or belongs to
 * another tenant (the same 404 for both: a tenant learns nothing about another's endpoints).
 */
export async function visibleEndpoint(registry: WebhookEndpointRegistry, id: string, credential: Credential): Promise<EndpointView | undefined> {
  const view = await registry.get(id).catch((error: unknown) => {
    if (isSwitchyardError(error) && error.code === 'SY_WEBHOOK_UNKNOWN_ENDPOINT') return undefined;
    throw error;
  });
  return view && visibleTo(credential, view) ? view : undefined;
}

interface ListQuery {
  readonly tenant?: string;
  readonly limit: number;
  readonly cursor?: string;
}

/** One page of the endpoints the credential may see, by id. */
async function listPage(registry: WebhookEndpointRegistry, q: ListQuery, credential: Credential) {
  const all = (await registry.list())
    .filter((v) => visibleTo(credential, v) && (q.tenant === undefined || v.endpoint.tenant === q.tenant))
    .sort((a, b) => a.endpoint.id.localeCompare(b.endpoint.id));
  const start = q.cursor ? Number(q.cursor) : 0;
  const page = all.slice(start, start + q.limit);
  const next = start + page.length < all.length ? String(start + page.length) : null;
  return { items: page.map(shown), pagination: { limit: q.limit, cursor: q.cursor ?? null, nextCursor: next, total: all.length } };
}

/**
 * `webhooks`: the endpoints the webhook dispatcher delivers to, through the webhooks lib's
 * registry (the compacted endpoints topic; the CLI's `switchyard webhooks` uses the same). Create
 * answers the signing secret once. Admin scope; an admin bound to a tenant manages only endpoints
 * of its tenant (a new endpoint gets its tenant). URLs pass the SSRF guard at create (and again at
 * each delivery). Rotation, disable and enable are operator routes beside it
 * (operator/webhook-actions.routes.ts), like `switchyard webhooks rotate-secret|disable|enable`.
 */
export function webhooksResource(registry: WebhookEndpointRegistry): ResourceDefinition {
  const visible = (id: string, credential: Credential) => visibleEndpoint(registry, id, credential);
  return {
    name: 'webhooks',
    description: 'Webhook endpoints (Standard Webhooks, delivered by the webhook dispatcher); admin.',
    invalidCode: 'SY_INVALID_ARGUMENT',
    scopes: { write: 'admin', read: 'admin' },
    create: {
      body: NewEndpointBody,
      response: EndpointBody.extend({ secret: z.string().describe('The signing secret: shown once, store it on the receiver') }),
      summary: 'Register an endpoint; answers its signing secret once',
      async handle(body, { credential }) {
        const input = body as NewEndpointInput;
        if (credential.tenant !== undefined && input.tenant !== undefined && input.tenant !== credential.tenant) {
          throw new SwitchyardError('SY_INVALID_ARGUMENT', `tenant: this credential manages only tenant "${credential.tenant}".`, { hint: 'Leave tenant out.', details: { field: 'tenant' } });
        }
        const { view, secret } = await registry.create({ ...input, ...(credential.tenant !== undefined ? { tenant: credential.tenant } : {}) }).catch((error: unknown) => {
          throw withBodyField(error);
        });
        return { ...shown(view), secret };
      },
    },
    list: {
      query: z.strictObject({
        tenant: TenantSchema.optional().describe('Only endpoints of this tenant (a tenant credential sees only its own)'),
        limit: z.coerce.number().int().min(1).max(200).default(50),
        cursor: z.string().regex(CURSOR, 'expected the nextCursor of a previous page').optional(),
      }),
      item: EndpointBody,
      summary: 'Endpoints, by id',
      handle: (query, { credential }) => listPage(registry, query as ListQuery, credential),
    },
    read: {
      query: z.strictObject({}),
      response: EndpointBody,
      summary: 'One endpoint (no secret)',
      async handle(id, _query, { credential }) {
        const view = await visible(id, credential);
        return view && shown(view);
      },
    },
    delete: {
      query: z.strictObject({}),
      response: z.object({ id: z.string(), removed: z.literal(true), subscription: z.string() }),
      summary: 'Remove an endpoint (its dead letters stay in its subscription DLQ)',
      async handle(id, _query, { credential }) {
        if (!(await visible(id, credential))) return undefined;
        await registry.delete(id);
        return { id, removed: true as const, subscription: webhookSubscriptionName(id) };
      },
    },
  };
}
