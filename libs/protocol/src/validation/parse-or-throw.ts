import type { z } from 'zod';
import { SwitchyardError } from '../errors/switchyard.error.js';
import type { ErrorCode } from '../errors/error-codes.js';

/** One validation problem, with the path rendered as `a.b[0].c` (empty string for the root). */
export interface ProtocolIssue {
  /** Path inside the validated value, e.g. `autoScale.minWorkers` or `queues[0]`. */
  path: string;
  /** The zod message, e.g. `Too small: expected number to be >=1`. */
  message: string;
  /** The zod issue code, e.g. `too_small`. */
  code: string;
}

/** Options of {@link parseOrThrow}. */
export interface ParseOrThrowOptions {
  /** Error code thrown on failure, e.g. `SY_INVALID_CONFIG`. */
  code: ErrorCode;
  /** Name of the validated thing, used as message prefix, e.g. `QueueConfig`. */
  what: string;
  /** Overrides the default hint. */
  hint?: string;
}

/**
 * Validates `input` once, at the edge (STYLE.md #5).
 *
 * Returns the parsed value with defaults applied, deeply frozen (plain objects and arrays;
 * functions and class instances are left alone). On failure throws a {@link SwitchyardError}
 * with the given `code`, a message listing every issue as `<what>.<path>: <zod message>`,
 * `details.issues` (an array of {@link ProtocolIssue}) and a hint.
 *
 * Note: values typed `unknown` (e.g. `payload`) are passed through by reference and are frozen
 * in place as well.
 */
export function parseOrThrow<S extends z.ZodType>(
  schema: S,
  input: unknown,
  options: ParseOrThrowOptions,
): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return deepFreeze(result.data);
  const issues = toProtocolIssues(result.error.issues);
  const lines = issues.map((issue) => `${qualify(options.what, issue.path)}: ${issue.message}`);
  const noun = issues.length === 1 ? 'problem' : 'problems';
  throw new SwitchyardError(
    options.code,
    `Invalid ${options.what} (${issues.length} ${noun}):\n  ${lines.join('\n  ')}`,
    {
      hint:
        options.hint ??
        `Fix the listed ${options.what} fields; each field's description in the ${options.what} schema (libs/protocol) states its type, limits and default.`,
      details: { what: options.what, issues },
    },
  );
}

/**
 * Validates without throwing: returns every issue (empty array when `input` is valid).
 */
export function safeParseIssues(schema: z.ZodType, input: unknown): ProtocolIssue[] {
  const result = schema.safeParse(input);
  return result.success ? [] : toProtocolIssues(result.error.issues);
}

/** Renders a zod path as `a.b[0].c`. */
export function formatIssuePath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out === '' ? String(key) : `.${String(key)}`;
  }
  return out;
}

/**
 * Freezes plain objects and arrays recursively, in place, and returns the same value.
 * Functions, class instances (Date, Buffer, Map, ...) and primitives are left alone.
 */
export function deepFreeze<T>(value: T): T {
  freezeInto(value, new WeakSet());
  return value;
}

function freezeInto(value: unknown, seen: WeakSet<object>): void {
  if (!isPlainContainer(value) || seen.has(value)) return;
  seen.add(value);
  for (const key of Object.keys(value)) {
    freezeInto((value as Record<string, unknown>)[key], seen);
  }
  Object.freeze(value);
}

function isPlainContainer(value: unknown): value is object {
  if (Array.isArray(value)) return true;
  if (typeof value !== 'object' || value === null) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function toProtocolIssues(issues: readonly z.core.$ZodIssue[]): ProtocolIssue[] {
  return issues.map((issue) => ({
    path: formatIssuePath(issue.path),
    message: issue.message,
    code: issue.code,
  }));
}

function qualify(what: string, path: string): string {
  if (path === '') return what;
  return path.startsWith('[') ? `${what}${path}` : `${what}.${path}`;
}
