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
