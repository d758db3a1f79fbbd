import { ERROR_CODES } from './error-codes.js';
import type { ErrorCode } from './error-codes.js';

/** Options of {@link SwitchyardError}. */
export interface SwitchyardErrorOptions {
  /** Overrides the catalog's `retriable` flag for this one error. */
  retriable?: boolean;
  /** What the reader should do about it (one sentence). */
  hint?: string;
  /** Structured, JSON-serializable context (ids, paths, limits). */
  details?: Record<string, unknown>;
  /** The underlying error. */
  cause?: unknown;
}

/** JSON form of a {@link SwitchyardError}, as produced by `toJSON()`. */
export interface SwitchyardErrorJson {
  name: string;
  code: ErrorCode;
  message: string;
  retriable: boolean;
  hint?: string;
  details?: Record<string, unknown>;
  cause?: unknown;
}

/**
 * The one error class of Switchyard (STYLE.md #4). It carries a stable catalog `code`, a
 * `retriable` flag (from the catalog unless overridden), an optional `hint` saying what to do,
 * optional structured `details` and the standard `cause`.
 *
 * Retry/DLQ routing must decide on `code` and `retriable`, never on `message`.
 */
export class SwitchyardError extends Error {
  /** Stable catalog code. */
  readonly code: ErrorCode;
  /** Whether retrying the same operation may succeed. */
  readonly retriable: boolean;
  /** What to do about it. */
  readonly hint?: string;
  /** Structured context. */
  readonly details?: Record<string, unknown>;

  constructor(code: ErrorCode, message: string, options: SwitchyardErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'SwitchyardError';
    this.code = code;
    this.retriable = options.retriable ?? ERROR_CODES[code].retriable;
    if (options.hint !== undefined) this.hint = options.hint;
    if (options.details !== undefined) this.details = options.details;
  }

  /** A JSON-serializable view (the `cause` is reduced to name/message/code when it is an Error). */
  toJSON(): SwitchyardErrorJson {
    const json: SwitchyardErrorJson = {
      name: this.name,
      code: this.code,
      message: this.message,
      retriable: this.retriable,
    };
    if (this.hint !== undefined) json.hint = this.hint;
    if (this.details !== undefined) json.details = this.details;
    if (this.cause !== undefined) json.cause = serializeCause(this.cause);
    return json;
  }
}

/**
 * Thrown by a task or event handler to say "this will never succeed": the runtime skips the
 * remaining retries and routes the task straight to the dead letter queue.
 * Code `SY_UNRECOVERABLE`, never retriable.
 */
export class UnrecoverableError extends SwitchyardError {
  constructor(message: string, options: Omit<SwitchyardErrorOptions, 'retriable'> = {}) {
    super('SY_UNRECOVERABLE', message, { ...options, retriable: false });
    this.name = 'UnrecoverableError';
  }
}

/** True when `error` is a {@link SwitchyardError} (including subclasses). */
export function isSwitchyardError(error: unknown): error is SwitchyardError {
  return error instanceof SwitchyardError;
}

function serializeCause(cause: unknown): unknown {
  if (cause instanceof SwitchyardError) return cause.toJSON();
  if (cause instanceof Error) {
    const code = (cause as { code?: unknown }).code;
    return code === undefined
      ? { name: cause.name, message: cause.message }
      : { name: cause.name, message: cause.message, code };
  }
  return cause;
}
