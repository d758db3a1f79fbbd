import { isSwitchyardError } from '@switchyard/protocol';

/** Error fields as the protocol's TaskExecutionResult, DeadLetterQueueEntry and event log carry them. */
export interface ErrorInfo {
  readonly message: string;
  readonly stack?: string;
  readonly code: string;
}

/**
 * The most error text one ErrorInfo carries, in characters (UTF-16 code units, at most 3 bytes
 * each in UTF-8): the message, and the stack with its cause chain appended (`caused by:` up to
 * `causeDepth` causes deep). Longer text is cut and ends with {@link TRUNCATED_MARK}. Every outcome
 * record (retry, DLQ, status, event log) then fits a broker's default max.message.bytes (1 MiB):
 * a handler throwing an error with a 2 MB message would otherwise make its transaction fail forever.
 */
export const ERROR_INFO_LIMITS = Object.freeze({ messageChars: 8 * 1024, stackChars: 16 * 1024, causeDepth: 5 });

/** What ends a cut message or stack: `… [truncated: <original length> characters]`. */
export const TRUNCATED_MARK = '… [truncated: ';

/** Reads code, message and stack (with its causes) off anything thrown, within ERROR_INFO_LIMITS. Codes come from the error, never from text. */
export function errorInfo(error: unknown): ErrorInfo {
  if (error instanceof Error) {
    const code = isSwitchyardError(error) ? error.code : typeof (error as { code?: unknown }).code === 'string' ? String((error as unknown as { code: string }).code) : 'SY_TASK_FAILED';
    const stack = stackWithCauses(error);
    return { message: truncateText(String(error.message), ERROR_INFO_LIMITS.messageChars), code, ...(stack ? { stack } : {}) };
  }
  return { message: truncateText(describe(error), ERROR_INFO_LIMITS.messageChars), code: 'SY_TASK_FAILED' };
}

/** `text` when it fits `max` characters; else its head (no surrogate pair split) and the mark, `max` characters in all. */
export function truncateText(text: string, max: number): string {
  if (text.length <= max) return text;
  const mark = `${TRUNCATED_MARK}${text.length} characters]`;
  let keep = Math.max(0, max - mark.length);
  const last = text.charCodeAt(keep - 1);
  if (last >= 0xd800 && last <= 0xdbff) keep--;
  return `${text.slice(0, keep)}${mark}`;
}

/** The stack, then `caused by: <stack>` for each cause (at most causeDepth, no cycles), cut to stackChars. */
function stackWithCauses(error: Error): string | undefined {
  const max = ERROR_INFO_LIMITS.stackChars;
  const parts: string[] = error.stack ? [truncateText(error.stack, max)] : [];
  const seen = new Set<unknown>([error]);
  let cause: unknown = error.cause;
  for (let depth = 0; cause !== undefined && depth < ERROR_INFO_LIMITS.causeDepth && !seen.has(cause); depth++) {
    seen.add(cause);
    const text = cause instanceof Error ? (cause.stack ?? `${cause.name}: ${cause.message}`) : describe(cause);
    parts.push(`caused by: ${truncateText(text, max)}`);
    cause = cause instanceof Error ? cause.cause : undefined;
  }
  return parts.length > 0 ? truncateText(parts.join('\n'), max) : undefined;
}

/** A thrown non-Error as text: a string as it is, anything else as JSON (or String when it has none). */
function describe(value: unknown): string {
  if (typeof value === 'string') return value;
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
