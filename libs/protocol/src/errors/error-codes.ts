/**
 * The catalog of Switchyard error codes (STYLE.md #4).
 *
 * Retry and dead-letter routing decide on `retriable`, never on message text.
 * Codes are stable: a code is never renamed, removed or reused for another meaning.
 * Every code is documented in `libs/protocol/README.md`.
 */
export const ERROR_CODES = {
  SY_INVALID_CONFIG: {
    retriable: false,
    summary: 'A configuration object failed validation against its protocol schema.',
  },
  SY_INVALID_TASK: {
    retriable: false,
    summary: 'A task failed validation against TaskSchema (or BatchTaskSchema).',
  },
  SY_INVALID_EVENT: {
    retriable: false,
    summary: 'An event failed validation against EventSchema.',
  },
  SY_INVALID_ENV: {
    retriable: false,
    summary: 'An environment variable is missing or has an invalid value.',
  },
  SY_PAYLOAD_TOO_LARGE: {
    retriable: false,
    summary: 'A serialized task or event is larger than the broker accepts.',
  },
  SY_UNKNOWN_QUEUE: {
    retriable: false,
    summary: 'A task names a queue that no worker configuration declares.',
  },
  SY_UNKNOWN_TASK_TYPE: {
    retriable: false,
    summary: 'No handler is registered for the task type.',
  },
  SY_UNDECODABLE_MESSAGE: {
    retriable: false,
    summary: 'A message read from Kafka could not be decoded into a known envelope.',
  },
  SY_TASK_TIMEOUT: {
    retriable: true,
    summary: 'A task handler did not finish within its timeout.',
  },
  SY_TASK_FAILED: {
    retriable: true,
    summary: 'A task handler threw; the task is retried according to its retry policy.',
  },
  SY_UNRECOVERABLE: {
    retriable: false,
    summary: 'A handler declared the failure permanent; retries are skipped.',
  },
  SY_TOPOLOGY_DRIFT: {
    retriable: false,
    summary: 'Existing Kafka topics differ from the declared topology (partitions, config).',
  },
  SY_KAFKA_UNAVAILABLE: {
    retriable: true,
    summary: 'The Kafka cluster could not be reached or did not answer in time.',
  },
  SY_KAFKA_COMMIT_UNKNOWN: {
    retriable: false,
    summary: 'A transaction commit got no answer from its coordinator, asked again for twice the transaction timeout; the transaction may have committed.',
  },
  SY_BROKER_START_FAILED: {
    retriable: false,
    summary: 'A local service (the Kafka broker, the schema registry) failed to start.',
  },
  SY_PORT_IN_USE: {
    retriable: false,
    summary: 'A TCP port needed by a local component is already taken.',
  },
  SY_MISSING_TOOL: {
    retriable: false,
    summary: 'A required external tool (e.g. java, docker) is not installed or not on PATH.',
  },
  SY_TASK_CANCELLED: {
    retriable: false,
    summary: 'The task was cancelled before or while it ran.',
  },
  SY_INVALID_PAYLOAD: {
    retriable: false,
    summary: "An event payload does not match its type's JSON Schema in the event type catalog.",
  },
  SY_SCHEMA_INCOMPATIBLE: {
    retriable: false,
    summary: "The schema registry refused a new version of an event type's schema as incompatible with the registered ones.",
  },
  SY_SCHEMA_REGISTRY_UNAVAILABLE: {
    retriable: true,
    summary: 'The schema registry could not be reached, or answered with an error other than a compatibility refusal.',
  },
  SY_EVENT_HANDLER_FAILED: {
    retriable: true,
    summary: 'An event handler threw; it is retried according to its retry policy, then dead-lettered.',
  },
  SY_EVENT_FILTER_FAILED: {
    retriable: false,
    summary: "An event handler's filter threw on the event; that handler's copy is dead-lettered without running (the other handlers run).",
  },
  SY_UNKNOWN_EVENT_HANDLER: {
    retriable: false,
    summary: 'A retry or a replay names an event handler the subscription does not have (renamed or removed); that copy is dead-lettered.',
  },
  SY_EVENT_HANDLER_TIMEOUT: {
    retriable: true,
    summary: 'An event handler did not finish within its timeoutMs.',
  },
  SY_INVALID_JOB: {
    retriable: false,
    summary: 'A scheduled job failed validation (schedule, cron expression, time zone, target).',
  },
  SY_UNKNOWN_JOB: {
    retriable: false,
    summary: 'No job (scheduled job or replay job) has the given id.',
  },
  SY_KAFKA_AUTH_FAILED: {
    retriable: false,
    summary: "The Kafka broker refused the client's credentials: the SASL user, password or mechanism, or the TLS client certificate (mutual TLS).",
  },
  SY_KAFKA_TLS_UNTRUSTED: {
    retriable: false,
    summary: "The Kafka broker's TLS certificate is not trusted (not signed by the configured CA, or not issued for the broker's host).",
  },
  SY_INVALID_ARGUMENT: {
    retriable: false,
    summary: 'An operator request (replay, DLQ, offsets, topics, task status) has an invalid value or names an unknown topic, group, queue or subscription.',
  },
  SY_NOTHING_MATCHED: {
    retriable: false,
    summary: 'An operator request matched nothing: an empty range, a filter without hits, an unknown entry or task id.',
  },
  SY_OPERATION_REFUSED: {
    retriable: false,
    summary: 'An operator action was refused for safety (live group members, a redrive or purge without confirmation).',
  },
  SY_OPERATION_INTERRUPTED: {
    retriable: true,
    summary: 'An operator action was interrupted before it finished; running it again resumes where it stopped.',
  },
  SY_UNAUTHENTICATED: {
    retriable: false,
    summary: 'An HTTP request carried no credential, or an unknown, revoked or invalid API key or JWT.',
  },
  SY_FORBIDDEN: {
    retriable: false,
    summary: 'The credential lacks the scope the route needs, or names another tenant.',
  },
  SY_RATE_LIMITED: {
    retriable: true,
    summary: "The credential's request budget for the current window is spent; retry after the window (Retry-After).",
  },
  SY_ROUTE_NOT_FOUND: {
    retriable: false,
    summary: 'No HTTP route has this method and path.',
  },
  SY_IDEMPOTENCY_MISMATCH: {
    retriable: false,
    summary: 'An Idempotency-Key was reused with a different request body.',
  },
  SY_INTERNAL: {
    retriable: false,
    summary: 'An unexpected failure; the service log has it under the request id.',
  },
  SY_PARTITION_REVOKED: {
    retriable: true,
    summary: 'The partition a record came from moved to another member before its outcome was committed; the new owner runs the record again, and this outcome is dropped unwritten.',
  },
  SY_WEBHOOK_INVALID_SECRET: {
    retriable: false,
    summary: 'A webhook signing secret is not whsec_ followed by base64 of 24 to 64 bytes.',
  },
  SY_WEBHOOK_ADDRESS_REFUSED: {
    retriable: false,
    summary: 'The SSRF guard refused a webhook URL: its scheme, credentials, or an address it names or resolves to (loopback, private, link-local, metadata, ...).',
  },
  SY_WEBHOOK_DNS_FAILED: {
    retriable: true,
    summary: "A webhook endpoint's host name did not resolve.",
  },
  SY_WEBHOOK_DELIVERY_FAILED: {
    retriable: true,
    summary: 'A webhook delivery attempt failed: a non-2xx answer (a redirect included), a refused or reset connection, or a TLS failure.',
  },
  SY_WEBHOOK_TIMEOUT: {
    retriable: true,
    summary: 'A webhook endpoint did not answer completely within its timeoutMs.',
  },
  SY_WEBHOOK_THROTTLED: {
    retriable: true,
    summary: 'A webhook endpoint answered 429 or 503; the next attempt waits for its Retry-After (capped) when it sent one.',
  },
  SY_WEBHOOK_ENDPOINT_GONE: {
    retriable: false,
    summary: 'A webhook endpoint answered 410 Gone; the endpoint is disabled.',
  },
  SY_WEBHOOK_UNKNOWN_ENDPOINT: {
    retriable: false,
    summary: 'No webhook endpoint has the given id.',
  },
  SY_WEBHOOK_CIRCUIT_OPEN: {
    retriable: true,
    summary: "A webhook endpoint's circuit breaker is open after repeated failures; no attempt was made.",
  },
} as const satisfies Record<string, { readonly retriable: boolean; readonly summary: string }>;

/** A stable Switchyard error code, e.g. `'SY_TASK_TIMEOUT'`. */
export type ErrorCode = keyof typeof ERROR_CODES;

/** True when `value` is a known error code of the catalog. */
export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.hasOwn(ERROR_CODES, value);
}
