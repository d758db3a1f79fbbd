import type { ErrorCode } from '@switchyard/protocol';

/**
 * Errors only an HTTP front end has (no credential, a credential without the scope, too many
 * requests, no such route, a reused Idempotency-Key, an unexpected failure) and their HTTP status.
 * The codes are the protocol catalog's (libs/protocol error-codes.ts: summary, retriable); this
 * table only adds the status.
 */
export const GATEWAY_ERROR_CODES = {
  SY_UNAUTHENTICATED: { status: 401 },
  SY_FORBIDDEN: { status: 403 },
  SY_RATE_LIMITED: { status: 429 },
  SY_ROUTE_NOT_FOUND: { status: 404 },
  SY_IDEMPOTENCY_MISMATCH: { status: 422 },
  SY_INTERNAL: { status: 500 },
} as const satisfies Partial<Record<ErrorCode, { readonly status: number }>>;

export type GatewayErrorCode = keyof typeof GATEWAY_ERROR_CODES;

/** An HTTP-only failure with a stable code (see {@link GATEWAY_ERROR_CODES}). */
export class GatewayError extends Error {
  readonly code: GatewayErrorCode;
  readonly hint: string | undefined;
  readonly field: string | undefined;
  readonly headers: Readonly<Record<string, string>>;

  constructor(code: GatewayErrorCode, message: string, options: { hint?: string; field?: string; headers?: Record<string, string> } = {}) {
    super(message);
    this.name = 'GatewayError';
    this.code = code;
    this.hint = options.hint;
    this.field = options.field;
    this.headers = options.headers ?? {};
  }

  get status(): number {
    return GATEWAY_ERROR_CODES[this.code].status;
  }
}
