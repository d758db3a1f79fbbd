/**
 * Errors only an HTTP front end has: no credential, a credential without the scope, too many
 * requests, no such route. The protocol's catalog (libs/protocol error-codes.ts) has no codes for
 * them yet; these are stable and documented in docs/gateway.md, and belong in the catalog once it
 * is free to edit (they are kept apart so a SwitchyardError never carries a code outside it).
 */
export const GATEWAY_ERROR_CODES = {
  SY_UNAUTHENTICATED: { status: 401, summary: 'No credential, or an unknown, revoked or invalid API key or JWT.' },
  SY_FORBIDDEN: { status: 403, summary: 'The credential lacks the scope the route needs, or names another tenant.' },
  SY_RATE_LIMITED: { status: 429, summary: "The credential's request budget for the current window is spent." },
  SY_ROUTE_NOT_FOUND: { status: 404, summary: 'No route has this method and path.' },
  SY_IDEMPOTENCY_MISMATCH: { status: 422, summary: 'An Idempotency-Key was reused with a different request body.' },
  SY_INTERNAL: { status: 500, summary: 'An unexpected failure; the gateway log has it under the request id.' },
} as const;

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
