import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { isSwitchyardError, type ProtocolIssue } from '@switchyard/protocol';
import { GatewayError } from './gateway-error.js';
import { httpStatusOf } from './http-status.js';

/** The body of every error response: a stable code, what went wrong, the field at fault (when one is), what to do. */
export interface ErrorBody {
  readonly code: string;
  readonly message: string;
  readonly field: string | null;
  readonly hint?: string;
  readonly requestId?: string;
}

export interface ErrorReply {
  readonly status: number;
  readonly body: ErrorBody;
  readonly headers: Readonly<Record<string, string>>;
}

/** The code of a request-validation failure, by the resource that validates (tasks: SY_INVALID_TASK, ...). */
export type InvalidCode = 'SY_INVALID_TASK' | 'SY_INVALID_EVENT' | 'SY_INVALID_ARGUMENT';

/** `/items/3/payload/to` -> `items[3].payload.to` (the same rendering as the protocol's issue paths). */
export function fieldOfPointer(pointer: string): string {
  let out = '';
  for (const raw of pointer.split('/').filter(Boolean)) {
    const part = raw.replaceAll('~1', '/').replaceAll('~0', '~');
    out += /^\d+$/.test(part) ? `[${part}]` : out === '' ? part : `.${part}`;
  }
  return out;
}

function qualified(context: string | undefined, field: string): string {
  if (context === undefined || context === 'body') return field || 'body';
  const part = context === 'querystring' ? 'query' : context;
  return field ? `${part}.${field}` : part;
}

/**
 * Turns whatever a route threw into the response: SwitchyardError by its code's status, a
 * GatewayError by its own, a schema-validation failure as 400 naming the first field, fastify's
 * body errors (too large, not JSON, wrong content type) as 413/400, and anything else as a 500
 * that says nothing about internals.
 */
export function errorReply(error: unknown, invalidCode: InvalidCode): ErrorReply {
  if (error instanceof GatewayError) {
    return { status: error.status, body: { code: error.code, message: error.message, field: error.field ?? null, ...(error.hint ? { hint: error.hint } : {}) }, headers: error.headers };
  }
  if (isSwitchyardError(error)) {
    const issues = (error.details?.issues ?? []) as ProtocolIssue[];
    const field = typeof error.details?.field === 'string' ? error.details.field : (issues[0]?.path ?? null);
    return { status: httpStatusOf(error.code), body: { code: error.code, message: error.message, field, ...(error.hint ? { hint: error.hint } : {}) }, headers: {} };
  }
  if (hasZodFastifySchemaValidationErrors(error)) {
    const context = (error as { validationContext?: string }).validationContext;
    const first = error.validation[0]!;
    const field = qualified(context, fieldOfPointer(first.instancePath));
    return {
      status: 400,
      body: { code: context === 'body' ? invalidCode : 'SY_INVALID_ARGUMENT', message: `${field}: ${first.message ?? 'is invalid'}`, field, hint: 'Fix the named field; the OpenAPI document (GET /api/v1/openapi.json) states every field, its type and its limits.' },
      headers: {},
    };
  }
  const fastifyError = error as { statusCode?: number; code?: string; message?: string };
  if (fastifyError.statusCode === 413) {
    return { status: 413, body: { code: 'SY_PAYLOAD_TOO_LARGE', message: 'The request body is larger than the gateway accepts.', field: 'body', hint: 'Send a smaller body, or split a batch into several requests.' }, headers: {} };
  }
  if (typeof fastifyError.statusCode === 'number' && fastifyError.statusCode >= 400 && fastifyError.statusCode < 500) {
    const field = fastifyError.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE' ? 'headers.content-type' : 'body';
    return { status: 400, body: { code: invalidCode, message: `${field}: ${fastifyError.message ?? 'is invalid'}`, field, hint: 'Send a JSON body with Content-Type: application/json.' }, headers: {} };
  }
  return { status: 500, body: { code: 'SY_INTERNAL', message: 'The gateway failed to handle the request; the error is in its log under the request id.', field: null }, headers: {} };
}
