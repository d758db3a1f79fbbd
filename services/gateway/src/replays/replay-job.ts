import { remainingOffsets, type ReplayOptions, type ReplayPlan, type ReplayResult, type ReplayStats } from '@switchyard/ops';
import { isSwitchyardError, SwitchyardError } from '@switchyard/protocol';

export type ReplayJobState = 'queued' | 'running' | 'completed' | 'failed' | 'cancelled';

/** The lifecycle of a replay job (STYLE.md #6): finished states have no way out. */
const TRANSITIONS: Readonly<Record<ReplayJobState, readonly ReplayJobState[]>> = {
  queued: ['running', 'failed', 'cancelled'],
  running: ['completed', 'failed', 'cancelled'],
  completed: [],
  failed: [],
  cancelled: [],
};

export function isFinished(state: ReplayJobState): boolean {
  return TRANSITIONS[state].length === 0;
}

/** The job's failure as the API shows it (an error body without the request id). */
export interface ReplayJobError {
  readonly code: string;
  readonly message: string;
  readonly field: string | null;
}

/**
 * One replay run by the gateway: its options and plan, its state, and its progress from the
 * engine's ReplayStats. `percent` is of the offsets left to read when it started (a resumed replay
 * starts where its last run committed); it is 100 once completed.
 */
export class ReplayJob {
  readonly id: string;
  readonly options: ReplayOptions;
  readonly plan: ReplayPlan;
  readonly createdAt = new Date();
  readonly #controller = new AbortController();
  readonly #total: number;
  #state: ReplayJobState = 'queued';
  #stats: ReplayStats | undefined;
  #startedAt: Date | undefined;
  #finishedAt: Date | undefined;
  #error: ReplayJobError | undefined;
  #complete = false;

  constructor(id: string, options: ReplayOptions, plan: ReplayPlan) {
    this.id = id;
    this.options = options;
    this.plan = plan;
    this.#total = remainingOffsets(plan);
  }

  get state(): ReplayJobState {
    return this.#state;
  }

  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  #to(next: ReplayJobState): void {
    if (!TRANSITIONS[this.#state].includes(next)) {
      throw new SwitchyardError('SY_OPERATION_REFUSED', `Replay job ${this.id} is ${this.#state}; it cannot become ${next}.`, { hint: 'Only a queued or running job can be cancelled.', details: { field: 'params.id' } });
    }
    this.#state = next;
    if (next === 'running') this.#startedAt = new Date();
    else if (next !== 'queued') this.#finishedAt = new Date();
  }

  started(): void {
    this.#to('running');
  }

  progressed(stats: ReplayStats): void {
    this.#stats = stats;
  }

  /** How the engine's run ended: complete, or stopped by the signal (cancelled). */
  ended(result: ReplayResult): void {
    this.#stats = result.stats;
    this.#complete = result.complete;
    if (result.complete) this.#to('completed');
    else if (this.signal.aborted) this.#to('cancelled');
    else this.failed(new SwitchyardError('SY_OPERATION_INTERRUPTED', `Replay ${this.options.id} stopped before its ranges were read.`));
  }

  failed(error: unknown): void {
    // Cancelling makes the writers stop; what they throw then is the cancellation, not a failure.
    if (this.signal.aborted && this.#state === 'running') return this.#to('cancelled');
    this.#error = isSwitchyardError(error)
      ? { code: error.code, message: error.message, field: typeof error.details?.field === 'string' ? error.details.field : null }
      : { code: 'SY_INTERNAL', message: 'The replay failed; the gateway log has the error under the job id.', field: null };
    this.#to('failed');
  }

  /** Cancels a queued job at once; a running one stops after the transaction in flight. */
  cancel(): void {
    if (isFinished(this.#state)) this.#to('cancelled');
    this.#controller.abort();
    if (this.#state === 'queued') this.#to('cancelled');
  }

  /** The job as `GET /replays/:id` shows it. */
  view() {
    const stats = this.#stats;
    const read = stats?.read ?? 0;
    return {
      id: this.id,
      replayId: this.options.id,
      group: this.plan.group,
      state: this.#state,
      topic: this.options.topic,
      toTopic: this.options.toTopic,
      ...(this.options.subscription ? { subscription: this.options.subscription.name, targetHandlers: [...this.options.subscription.targetHandlers] } : {}),
      dryRun: this.options.dryRun,
      resumed: this.plan.resumed,
      progress: {
        total: this.#total,
        read,
        matched: stats?.matched ?? 0,
        written: stats?.written ?? 0,
        percent: this.#complete || this.#total === 0 ? 100 : Math.min(99, Math.floor((read / this.#total) * 100)),
        partitions: this.plan.partitions.map((p) => ({ partition: p.partition, start: p.start.toString(), end: p.end.toString(), resumedAt: p.position.toString(), ...(stats?.partition(p.partition) ?? { read: 0, matched: 0, written: 0 }) })),
      },
      createdAt: this.createdAt.toISOString(),
      startedAt: this.#startedAt?.toISOString() ?? null,
      finishedAt: this.#finishedAt?.toISOString() ?? null,
      error: this.#error ?? null,
    };
  }
}

export type ReplayJobView = ReturnType<ReplayJob['view']>;
