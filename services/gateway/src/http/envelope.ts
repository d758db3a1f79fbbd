import { z } from 'zod';
import type { FastifyRequest } from 'fastify';
import type { RestApiConfig } from '@switchyard/protocol';

/** Error responses, on every route. */
export const ErrorBodySchema = z
  .object({
    code: z.string().describe('Stable error code (docs/gateway.md)'),
    message: z.string(),
    field: z.string().nullable().describe('The field at fault, e.g. payload.to or query.queue'),
    hint: z.string().optional(),
    requestId: z.string().optional(),
  })
  .meta({ id: 'Error' });

const Meta = z.object({ requestId: z.string(), timestamp: z.string(), apiVersion: z.string() });

/** The response schema of `data`: wrapped in `{success, data, meta}` when the API uses the envelope. */
export function enveloped(api: RestApiConfig, data: z.ZodType): z.ZodType {
  if (!api.responseFormat.envelope) return data;
  return z.object({ success: z.literal(true), data, ...(api.responseFormat.includeMetadata ? { meta: Meta } : {}) });
}

export function envelope(api: RestApiConfig, request: FastifyRequest, data: unknown): unknown {
  if (!api.responseFormat.envelope) return data;
  return { success: true, data, ...(api.responseFormat.includeMetadata ? { meta: { requestId: request.id, timestamp: new Date().toISOString(), apiVersion: api.version } } : {}) };
}

const PaginationSchema = z.object({ limit: z.number().int(), cursor: z.string().nullable(), nextCursor: z.string().nullable().describe('Cursor of the next page; null at the end'), total: z.number().int().optional() });

/** The response schema of a list: the items enveloped, with `pagination` beside `data`. */
export function listed(api: RestApiConfig, item: z.ZodType): z.ZodType {
  if (!api.responseFormat.envelope) return z.array(item);
  return z.object({ success: z.literal(true), data: z.array(item), ...(api.responseFormat.includeMetadata ? { meta: Meta } : {}), ...(api.responseFormat.includePagination ? { pagination: PaginationSchema } : {}) });
}
