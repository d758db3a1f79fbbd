import { describe, expect, it } from 'vitest';
import { ERROR_CODES, SwitchyardError, type ErrorCode } from '@switchyard/protocol';
import { errorReply, fieldOfPointer } from './error-reply.js';
import { GATEWAY_ERROR_CODES, GatewayError } from './gateway-error.js';
import { HTTP_STATUS_OF_CODE, httpStatusOf } from './http-status.js';

describe('HTTP status per error code', () => {
  it('maps each SwitchyardError code of the catalog to exactly one status', () => {
    expect(Object.keys(HTTP_STATUS_OF_CODE).sort()).toEqual(Object.keys(ERROR_CODES).sort());
    for (const code of Object.keys(ERROR_CODES) as ErrorCode[]) expect(httpStatusOf(code)).toBeGreaterThanOrEqual(400);
  });

  it('answers the client-error codes with their 4xx and the transient ones with 503', () => {
    expect({
      invalid: ['SY_INVALID_TASK', 'SY_INVALID_EVENT', 'SY_INVALID_PAYLOAD', 'SY_INVALID_ARGUMENT', 'SY_INVALID_CONFIG', 'SY_INVALID_JOB'].map((c) => httpStatusOf(c as ErrorCode)),
      unknown: ['SY_UNKNOWN_QUEUE', 'SY_UNKNOWN_TASK_TYPE', 'SY_UNKNOWN_JOB', 'SY_NOTHING_MATCHED'].map((c) => httpStatusOf(c as ErrorCode)),
      refused: [httpStatusOf('SY_OPERATION_REFUSED'), httpStatusOf('SY_SCHEMA_INCOMPATIBLE')],
      tooLarge: httpStatusOf('SY_PAYLOAD_TOO_LARGE'),
      unavailable: [httpStatusOf('SY_KAFKA_UNAVAILABLE'), httpStatusOf('SY_SCHEMA_REGISTRY_UNAVAILABLE'), httpStatusOf('SY_OPERATION_INTERRUPTED')],
    }).toEqual({ invalid: [400, 400, 400, 400, 400, 400], unknown: [404, 404, 404, 404], refused: [409, 409], tooLarge: 413, unavailable: [503, 503, 503] });
  });

  it('gateway-only codes have their own statuses', () => {
    expect(Object.fromEntries(Object.entries(GATEWAY_ERROR_CODES).map(([code, { status }]) => [code, status]))).toEqual({
      SY_UNAUTHENTICATED: 401,
      SY_FORBIDDEN: 403,
      SY_RATE_LIMITED: 429,
      SY_ROUTE_NOT_FOUND: 404,
      SY_IDEMPOTENCY_MISMATCH: 422,
      SY_INTERNAL: 500,
    });
    // Catalog codes (summary, retriable) whose status this table gives.
    for (const [code, { status }] of Object.entries(GATEWAY_ERROR_CODES)) expect(httpStatusOf(code as ErrorCode)).toBe(status);
  });
});

describe('errorReply', () => {
  it('a SwitchyardError: its status, its code, the first issue path as the field', () => {
    const error = new SwitchyardError('SY_INVALID_TASK', 'Invalid task', { hint: 'fix it', details: { issues: [{ path: 'payload.to', message: 'x', code: 'custom' }] } });
    expect(errorReply(error, 'SY_INVALID_ARGUMENT')).toEqual({ status: 400, body: { code: 'SY_INVALID_TASK', message: 'Invalid task', field: 'payload.to', hint: 'fix it' }, headers: {} });
  });

  it('a GatewayError keeps its headers (Retry-After of a rate limit)', () => {
    const reply = errorReply(new GatewayError('SY_RATE_LIMITED', 'slow down', { headers: { 'retry-after': '3' } }), 'SY_INVALID_ARGUMENT');
    expect(reply).toMatchObject({ status: 429, body: { code: 'SY_RATE_LIMITED', field: null }, headers: { 'retry-after': '3' } });
  });

  it('anything else is a 500 that tells nothing about internals', () => {
    const reply = errorReply(new TypeError('secret internals at /srv/x.ts'), 'SY_INVALID_TASK');
    expect(reply.status).toBe(500);
    expect(reply.body.code).toBe('SY_INTERNAL');
    expect(reply.body.message).not.toContain('secret');
  });

  it('fastify body errors: 413 too large, other 4xx as 400 of the route', () => {
    expect(errorReply(Object.assign(new Error('too big'), { statusCode: 413 }), 'SY_INVALID_TASK')).toMatchObject({ status: 413, body: { code: 'SY_PAYLOAD_TOO_LARGE', field: 'body' } });
    expect(errorReply(Object.assign(new Error('bad media'), { statusCode: 415, code: 'FST_ERR_CTP_INVALID_MEDIA_TYPE' }), 'SY_INVALID_EVENT')).toMatchObject({ status: 400, body: { code: 'SY_INVALID_EVENT', field: 'headers.content-type' } });
  });

  it('renders JSON pointers as protocol field paths', () => {
    expect(fieldOfPointer('/items/3/payload/to')).toBe('items[3].payload.to');
    expect(fieldOfPointer('')).toBe('');
    expect(fieldOfPointer('/a~1b/c~0d')).toBe('a/b.c~d');
  });
});
