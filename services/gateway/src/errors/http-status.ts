import type { ErrorCode } from '@switchyard/protocol';
import { GATEWAY_ERROR_CODES } from './gateway-error.js';

/**
 * One HTTP status per SwitchyardError code. Bad input is 400, an unknown thing 404, a refusal 409,
 * a too-large record 413, an interrupted action or an unreachable dependency 503; codes that only
 * a worker or a local tool raises (handler failures, broker start) are 500 if they ever reach
 * here. The table is complete (typed over every catalog code): a code added to the catalog does
 * not compile until it gets its status here.
 */
export const HTTP_STATUS_OF_CODE: Readonly<Record<ErrorCode, number>> = Object.freeze({
  SY_INVALID_CONFIG: 400,
  SY_INVALID_TASK: 400,
  SY_INVALID_EVENT: 400,
  SY_INVALID_PAYLOAD: 400,
  SY_INVALID_JOB: 400,
  SY_INVALID_ARGUMENT: 400,
  SY_UNKNOWN_QUEUE: 404,
  SY_UNKNOWN_TASK_TYPE: 404,
  SY_UNKNOWN_JOB: 404,
  SY_NOTHING_MATCHED: 404,
  SY_OPERATION_REFUSED: 409,
  SY_SCHEMA_INCOMPATIBLE: 409,
  SY_PAYLOAD_TOO_LARGE: 413,
  SY_KAFKA_UNAVAILABLE: 503,
  SY_KAFKA_COMMIT_UNKNOWN: 500,
  SY_SCHEMA_REGISTRY_UNAVAILABLE: 503,
  SY_OPERATION_INTERRUPTED: 503,
  SY_INVALID_ENV: 500,
  SY_UNDECODABLE_MESSAGE: 500,
  SY_TASK_TIMEOUT: 500,
  SY_TASK_FAILED: 500,
  SY_UNRECOVERABLE: 500,
  SY_TOPOLOGY_DRIFT: 500,
  SY_BROKER_START_FAILED: 500,
  SY_PORT_IN_USE: 500,
  SY_MISSING_TOOL: 500,
  SY_TASK_CANCELLED: 500,
  SY_EVENT_HANDLER_FAILED: 500,
  SY_EVENT_HANDLER_TIMEOUT: 500,
  SY_EVENT_FILTER_FAILED: 500,
  SY_UNKNOWN_EVENT_HANDLER: 500,
  SY_KAFKA_AUTH_FAILED: 500,
  SY_KAFKA_TLS_UNTRUSTED: 500,
  // A worker-side outcome; never an HTTP answer unless it leaks.
  SY_PARTITION_REVOKED: 500,
  // Webhooks: a bad secret or a URL the SSRF guard refuses is bad input; an unknown endpoint 404;
  // the rest are delivery outcomes of the dispatcher, never an HTTP answer unless they leak.
  SY_WEBHOOK_INVALID_SECRET: 400,
  SY_WEBHOOK_ADDRESS_REFUSED: 400,
  SY_WEBHOOK_UNKNOWN_ENDPOINT: 404,
  SY_WEBHOOK_DNS_FAILED: 500,
  SY_WEBHOOK_DELIVERY_FAILED: 500,
  SY_WEBHOOK_TIMEOUT: 500,
  SY_WEBHOOK_THROTTLED: 500,
  SY_WEBHOOK_ENDPOINT_GONE: 500,
  SY_WEBHOOK_CIRCUIT_OPEN: 500,
  SY_UNAUTHENTICATED: GATEWAY_ERROR_CODES.SY_UNAUTHENTICATED.status,
  SY_FORBIDDEN: GATEWAY_ERROR_CODES.SY_FORBIDDEN.status,
  SY_RATE_LIMITED: GATEWAY_ERROR_CODES.SY_RATE_LIMITED.status,
  SY_ROUTE_NOT_FOUND: GATEWAY_ERROR_CODES.SY_ROUTE_NOT_FOUND.status,
  SY_IDEMPOTENCY_MISMATCH: GATEWAY_ERROR_CODES.SY_IDEMPOTENCY_MISMATCH.status,
  SY_INTERNAL: GATEWAY_ERROR_CODES.SY_INTERNAL.status,
});

export function httpStatusOf(code: ErrorCode): number {
  return HTTP_STATUS_OF_CODE[code];
}
