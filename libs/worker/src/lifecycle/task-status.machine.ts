import { SwitchyardError, TaskStatus } from '@switchyard/protocol';

/**
 * The task lifecycle as a transition table (STYLE.md #6): for each status, the statuses it may
 * move to. `completed`, `cancelled` and `dead` are terminal. The status records of a task follow
 * it (see {@link assertSequence}): the producer writes `queued`; the worker writes `processing`
 * before an attempt only with `statusProcessing` (so an attempt's outcome may follow `queued`
 * directly), and a retry as `failed`/`timeout` then `queued` (with `nextAttemptAt`) in one
 * transaction. An attempt with no retry left ends `dead`.
 *
 * ```
 * pending -> queued | cancelled
 * queued -> processing | completed | failed | timeout | dead | cancelled
 * processing -> completed | failed | timeout | dead | cancelled
 * failed -> queued (retry) | dead
 * timeout -> queued (retry) | dead
 * ```
 */
export const TASK_STATUS_TRANSITIONS: Readonly<Record<TaskStatus, readonly TaskStatus[]>> = Object.freeze({
  pending: Object.freeze(['queued', 'cancelled'] as const),
  queued: Object.freeze(['processing', 'completed', 'failed', 'timeout', 'dead', 'cancelled'] as const),
  processing: Object.freeze(['completed', 'failed', 'timeout', 'dead', 'cancelled'] as const),
  failed: Object.freeze(['queued', 'dead'] as const),
  timeout: Object.freeze(['queued', 'dead'] as const),
  completed: Object.freeze([] as const),
  cancelled: Object.freeze([] as const),
  dead: Object.freeze([] as const),
} satisfies Record<TaskStatus, readonly TaskStatus[]>);

function allowedFrom(from: string): readonly TaskStatus[] | undefined {
  return Object.hasOwn(TASK_STATUS_TRANSITIONS, from)
    ? TASK_STATUS_TRANSITIONS[from as TaskStatus]
    : undefined;
}

/** True when a task may move from `from` to `to`. Unknown statuses never transition. */
export function canTransition(from: TaskStatus, to: TaskStatus): boolean {
  return allowedFrom(from)?.includes(to) ?? false;
}

/** True for statuses a task never leaves: `completed`, `cancelled`, `dead`. */
export function isTerminal(status: TaskStatus): boolean {
  return allowedFrom(status)?.length === 0;
}

/**
 * The guard of the lifecycle.
 * @throws SwitchyardError `SY_INVALID_TASK` naming both statuses when the move is not allowed.
 */
export function assertTransition(from: TaskStatus, to: TaskStatus): void {
  if (canTransition(from, to)) return;
  const allowed = allowedFrom(from);
  const known = TaskStatus.options.join(', ');
  const why =
    allowed === undefined
      ? `"${String(from)}" is not a task status (expected one of ${known})`
      : allowed.length === 0
        ? `"${from}" is terminal`
        : `from "${from}" a task may only move to ${allowed.map((s) => `"${s}"`).join(', ')}`;
  throw new SwitchyardError(
    'SY_INVALID_TASK',
    `Invalid task status transition from "${String(from)}" to "${String(to)}": ${why}`,
    {
      hint: 'A task status update arrived out of order or for a finished task; check the producer of this update.',
      details: { from, to, allowed: allowed === undefined ? [] : [...allowed] },
    },
  );
}

/**
 * The guard over a task's status records in the order written: the first is `pending` or
 * `queued` (what a producer writes), and each next one a move the table allows. A `processing`
 * record repeated is an update (a batch task's progress after each chunk), not a move.
 * @throws SwitchyardError `SY_INVALID_TASK` naming the first record out of order.
 */
export function assertSequence(statuses: readonly TaskStatus[]): void {
  const first = statuses[0];
  if (first !== undefined && first !== 'pending' && first !== 'queued') {
    throw new SwitchyardError('SY_INVALID_TASK', `A task's first status record is "${first}": a task starts "pending" or "queued".`, {
      hint: 'A status record was written before the task was enqueued, or the enqueue wrote no status.',
      details: { statuses: [...statuses] },
    });
  }
  for (let i = 1; i < statuses.length; i++) {
    const from = statuses[i - 1]!;
    const to = statuses[i]!;
    if (!(from === 'processing' && to === 'processing')) assertTransition(from, to);
  }
}
