import type { ErrorCode } from '@switchyard/protocol';

/**
 * Exit codes of the `switchyard` command (documented in services/cli/README.md and --help).
 * Scripts can rely on them; a code is never reused for another meaning.
 */
export const EXIT = Object.freeze({
  /** Done. */
  ok: 0,
  /** Failed while running (Kafka unreachable, a write refused, ...). */
  failure: 1,
  /** Bad input: unknown flag, invalid value, bad date, unknown topic/group/queue. */
  badInput: 2,
  /** Nothing to do: the range, filter or group matched nothing. */
  nothingMatched: 3,
  /** Refused for safety: a group with live members, a purge without --yes. */
  refused: 4,
  /** Interrupted (SIGINT/SIGTERM); a resumable command can be run again to continue. */
  interrupted: 130,
});

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** Catalog codes that mean the input was wrong (exit 2). */
const BAD_INPUT_CODES: ReadonlySet<ErrorCode> = new Set<ErrorCode>(['SY_INVALID_CONFIG', 'SY_INVALID_TASK', 'SY_INVALID_EVENT', 'SY_INVALID_ENV', 'SY_UNKNOWN_QUEUE', 'SY_PAYLOAD_TOO_LARGE', 'SY_INVALID_ARGUMENT']);

/** The exit code of a SwitchyardError (the operator engine's codes map one to one; anything else is a failure). */
export function exitCodeOf(code: ErrorCode): ExitCode {
  if (BAD_INPUT_CODES.has(code)) return EXIT.badInput;
  if (code === 'SY_NOTHING_MATCHED') return EXIT.nothingMatched;
  if (code === 'SY_OPERATION_REFUSED') return EXIT.refused;
  if (code === 'SY_OPERATION_INTERRUPTED') return EXIT.interrupted;
  return EXIT.failure;
}
