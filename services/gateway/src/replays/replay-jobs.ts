import { randomUUID } from 'node:crypto';
import type { AdminPort, KafkaClient, Logger } from '@switchyard/kafka';
import { ensureSubscriptionReplayTopic, parseReplayOptions, resolveReplayPlan, runReplay, type ReplayFlags } from '@switchyard/ops';
import { SwitchyardError } from '@switchyard/protocol';
import { isFinished, ReplayJob } from './replay-job.js';

export interface ReplayJobsOptions {
  readonly client: KafkaClient;
  readonly admin: AdminPort;
  readonly log: Logger;
  /** Finished jobs kept for polling; the oldest finished one is forgotten beyond this. */
  readonly keepFinished?: number;
}

/**
 * The replay jobs of this gateway process: each runs libs/ops `runReplay` in the background and
 * is polled by id. Jobs live in memory only: a restarted gateway forgets them, while the replay
 * itself resumes from its committed progress when started again with the same selection (or id).
 */
export class ReplayJobs {
  readonly #options: ReplayJobsOptions;
  readonly #jobs = new Map<string, ReplayJob>();
  readonly #runs = new Set<Promise<void>>();

  constructor(options: ReplayJobsOptions) {
    this.#options = options;
  }

  /**
   * Validates the flags and resolves the plan (bad input, unknown topics, an empty range fail
   * here, before a job exists), then starts the run.
   * @throws SwitchyardError SY_OPERATION_REFUSED while a job of the same replay id is unfinished
   */
  async start(flags: ReplayFlags): Promise<ReplayJob> {
    const options = parseReplayOptions(flags, Date.now());
    const active = [...this.#jobs.values()].find((j) => j.options.id === options.id && !isFinished(j.state));
    if (active) {
      throw new SwitchyardError('SY_OPERATION_REFUSED', `Replay ${options.id} already runs as job ${active.id}.`, { hint: `Poll or cancel job ${active.id}; two runs of one replay would fence each other.`, details: { field: 'id' } });
    }
    const plan = await resolveReplayPlan(this.#options.admin, options);
    const job = new ReplayJob(randomUUID(), options, plan);
    this.#jobs.set(job.id, job);
    this.#forgetOldFinished();
    const run = this.#run(job).finally(() => this.#runs.delete(run));
    this.#runs.add(run);
    return job;
  }

  /** @throws SwitchyardError SY_UNKNOWN_JOB */
  get(id: string): ReplayJob {
    const job = this.#jobs.get(id);
    if (!job) throw new SwitchyardError('SY_UNKNOWN_JOB', `No replay job ${id} in this gateway process.`, { hint: 'Jobs are kept per gateway process (a restart forgets them); GET /replays lists the known ones. Start the same replay again to resume it.', details: { field: 'params.id' } });
    return job;
  }

  /** Newest first. */
  list(): ReplayJob[] {
    return [...this.#jobs.values()].reverse();
  }

  /** @throws SwitchyardError SY_UNKNOWN_JOB, or SY_OPERATION_REFUSED for a finished job */
  cancel(id: string): ReplayJob {
    const job = this.get(id);
    job.cancel();
    return job;
  }

  /** Cancels every unfinished job and waits for the runs to stop (after their transaction in flight). */
  async close(): Promise<void> {
    for (const job of this.#jobs.values()) if (!isFinished(job.state)) job.cancel();
    await Promise.allSettled([...this.#runs]);
  }

  async #run(job: ReplayJob): Promise<void> {
    const { client, admin, log } = this.#options;
    const { options } = job;
    try {
      // The subscription runtime creates its replay topic at start; a replay must not wait for that.
      if (options.subscription && !options.dryRun) await ensureSubscriptionReplayTopic(admin, options.subscription.name, [options.topic]);
      if (job.signal.aborted) return;
      job.started();
      job.ended(await runReplay(client, job.plan, options, { signal: job.signal, onProgress: (stats) => job.progressed(stats) }));
    } catch (error) {
      if (isFinished(job.state)) return;
      log.warn({ err: error, job: job.id, replay: options.id }, 'replay job failed');
      job.failed(error);
    }
  }

  #forgetOldFinished(): void {
    const keep = this.#options.keepFinished ?? 100;
    const finished = [...this.#jobs.values()].filter((j) => isFinished(j.state));
    for (const job of finished.slice(0, Math.max(0, finished.length - keep))) this.#jobs.delete(job.id);
  }
}
