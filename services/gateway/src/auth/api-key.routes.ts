import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { apiPathOf, SwitchyardError, type RestServerConfig } from '@switchyard/protocol';
import { envelope, enveloped, ErrorBodySchema } from '../http/envelope.js';
import type { ApiKeyStore } from './api-key-store.js';
import { Scope, TenantSchema } from './credential.js';

const ERRORS = { '4xx': ErrorBodySchema, '5xx': ErrorBodySchema };
const KeyInfo = z.object({ keyId: z.string(), tenant: z.string().optional(), scopes: z.array(Scope), name: z.string().optional(), createdAt: z.string() });
const CreateKey = z
  .strictObject({
    tenant: TenantSchema.optional().describe('Tenant the key reaches; required unless scopes include admin'),
    scopes: z.array(Scope).min(1).max(5),
    name: z.string().min(1).max(200).optional(),
  })
  .refine((b) => b.tenant !== undefined || b.scopes.includes('admin'), { path: ['tenant'], message: 'required unless scopes include admin' });

/** Admin routes of the API keys: create (the key is in this response only), list, revoke. */
export function registerApiKeyRoutes(app: FastifyInstance, config: RestServerConfig, keys: ApiKeyStore): void {
  const zapp = app.withTypeProvider<ZodTypeProvider>();
  const base = `${apiPathOf(config.api)}/admin/api-keys`;
  const common = { access: 'admin' as const, invalidCode: 'SY_INVALID_ARGUMENT' as const };
  zapp.post(base, { config: common, schema: { tags: ['admin'], summary: 'Create an API key (shown once)', body: CreateKey, response: { 201: enveloped(config.api, KeyInfo.extend({ key: z.string() })), ...ERRORS } } }, async (request, reply) => {
    const { key, record } = await keys.create(request.body);
    reply.code(201);
    const { sha256: _hash, format: _format, ...info } = record;
    return envelope(config.api, request, { ...info, key });
  });
  zapp.get(base, { config: common, schema: { tags: ['admin'], summary: 'List API keys (never their secrets)', response: { 200: enveloped(config.api, z.array(KeyInfo)), ...ERRORS } } }, async (request) =>
    envelope(config.api, request, keys.list().map(({ sha256: _hash, format: _format, ...info }) => info)),
  );
  zapp.delete(`${base}/:keyId`, { config: common, schema: { tags: ['admin'], summary: 'Revoke an API key', params: z.strictObject({ keyId: z.string().regex(/^[0-9a-f]{16}$/, 'expected the 16 hex digits of a key id') }), response: { 200: enveloped(config.api, z.object({ keyId: z.string(), revoked: z.literal(true) })), ...ERRORS } } }, async (request) => {
    if (!(await keys.revoke(request.params.keyId))) throw new SwitchyardError('SY_NOTHING_MATCHED', `No API key ${request.params.keyId}.`, { hint: `GET ${base} lists the keys.`, details: { field: 'params.keyId' } });
    return envelope(config.api, request, { keyId: request.params.keyId, revoked: true as const });
  });
}
