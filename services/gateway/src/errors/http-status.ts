import type { ErrorCode } from '@switchyard/protocol';

/**
 * One HTTP status per SwitchyardError code. Bad input is 400, an unknown thing 404, a refusal 409,
 * a too-large record 413, an interrupted action or an unreachable dependency 503; codes that only
 * a worker or a local tool raises (handler failures, broker start) are 500 if they ever reach
 * here. A code missing from the table (added to the catalog later) is 500 until it is listed.
 */
export const HTTP_STATUS_OF_CODE: Readonly<Partial<Record<ErrorCode, number>>> = Object.freeze({
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
  SY_KAFKA_AUTH_FAILED: 500,
  SY_KAFKA_TLS_UNTRUSTED: 500,
});

export function httpStatusOf(code: ErrorCode): number {
  return HTTP_STATUS_OF_CODE[code] ?? 500;
}
