/** `schedules list|show|create|pause|resume|delete|run-now`: flags in, JobStore (libs/scheduler) does the work, text or JSON out. */
import { SwitchyardError } from '@switchyard/protocol';
import { JobStore, type JobLogEntry, type JobView, type ScheduledJob } from '@switchyard/scheduler';
import { CliError, type CliContext } from '../cli-context.js';
import { EXIT } from '../exit-codes.js';
import { cut, textTable } from '../format/text-table.js';
import { jobFromFlags, type CreateFlags } from './schedules-flags.js';

/** Flags every schedules command takes. */
export interface StoreFlags {
  readonly scheduler: string;
  readonly partitions?: string;
}

async function withStore<T>(ctx: CliContext, flags: StoreFlags, action: (store: JobStore) => Promise<T>): Promise<T> {
  const store = new JobStore(ctx.client(), { name: flags.scheduler, ...(flags.partitions ? { partitions: Number(flags.partitions) } : {}) });
  try {
    return await action(store);
  } catch (error) {
    if (error instanceof SwitchyardError && ['SY_INVALID_JOB', 'SY_UNKNOWN_JOB', 'SY_INVALID_CONFIG'].includes(error.code)) throw new CliError(EXIT.badInput, `${error.code}: ${error.message}`, error.hint);
    throw error;
  } finally {
    await store.disconnect();
  }
}

function describeSchedule(job: ScheduledJob): string {
  const s = job.schedule;
  return s.type === 'cron' ? `cron ${s.expression} (${s.timezone})` : s.type === 'interval' ? `every ${s.intervalMs} ms` : `once at ${s.at}`;
}

function describeTarget(job: ScheduledJob): string {
  const t = job.target;
  return t.kind === 'task' ? `task ${t.type ?? job.handler} -> ${t.queue}${t.batch ? ` (batch of ${t.batch.items.length})` : ''}` : `event ${t.name}`;
}

export async function listAction(ctx: CliContext, flags: StoreFlags): Promise<void> {
  const jobs = await withStore(ctx, flags, (store) => store.list());
  if (jobs.length === 0 && !ctx.json) throw new CliError(EXIT.nothingMatched, `No jobs in scheduler "${flags.scheduler}".`, 'Create one with `switchyard schedules create`.');
  const rows = jobs.map((v) => [v.job.id, v.job.enabled ? 'enabled' : 'paused', cut(describeSchedule(v.job), 40), cut(describeTarget(v.job), 40), v.lastTick ?? '-', v.nextTick ?? '-']);
  ctx.print(jobs, textTable(['id', 'state', 'schedule', 'fires', 'last tick', 'next tick'], rows));
}

function entryLine(e: JobLogEntry): string[] {
  const progress = e.progress ? ` ${e.progress.processed}/${e.progress.total} items` : '';
  return [e.tick ?? e.startedAt, e.trigger ?? '-', `${e.status}${progress}`, e.duration === undefined ? '-' : String(e.duration), cut(e.error ?? '', 60) || '-'];
}

function viewText(view: JobView, log: readonly JobLogEntry[]): string {
  const fields: [string, string | undefined][] = [
    ['id', view.job.id],
    ['name', view.job.name],
    ['state', view.job.enabled ? 'enabled' : 'paused'],
    ['schedule', describeSchedule(view.job)],
    ['fires', describeTarget(view.job)],
    ['misfire', `${view.job.misfire.policy} (late after ${view.job.misfire.thresholdMs} ms, catch up at most ${view.job.misfire.maxCatchUp})`],
    ['retry', view.job.retryPolicy ? `${view.job.retryPolicy.maxRetries} retries, ${view.job.retryPolicy.backoffMs} ms x${view.job.retryPolicy.backoffMultiplier}` : undefined],
    ['timeout', view.job.timeout === undefined ? undefined : `${view.job.timeout} ms`],
    ['created', view.createdAt],
    ['updated', view.updatedAt],
    ['last tick', view.lastTick],
    ['next tick', view.nextTick],
  ];
  const head = fields.filter(([, v]) => v !== undefined).map(([k, v]) => `${k.padEnd(10)} ${v}`).join('\n');
  const table = log.length === 0 ? 'no executions yet' : textTable(['tick', 'trigger', 'status', 'ms', 'error'], log.map(entryLine));
  return `${head}\n\nexecutions (newest first):\n${table}`;
}

export async function showAction(ctx: CliContext, id: string, flags: StoreFlags & { limit?: string }): Promise<void> {
  const { view, log } = await withStore(ctx, flags, async (store) => ({ view: await store.get(id), log: await store.log(id, { limit: Number(flags.limit ?? 20) }) }));
  ctx.print({ ...view, executions: log }, viewText(view, log));
}

export async function createAction(ctx: CliContext, flags: StoreFlags & CreateFlags): Promise<void> {
  const input = await jobFromFlags(flags);
  const view = await withStore(ctx, flags, (store) => store.create(input));
  ctx.print(view, `Created job ${view.job.id}: ${describeSchedule(view.job)}, fires ${describeTarget(view.job)}; next tick ${view.nextTick ?? '-'}.`);
}

export async function pauseAction(ctx: CliContext, id: string, flags: StoreFlags, pause: boolean): Promise<void> {
  const view = await withStore(ctx, flags, (store) => (pause ? store.pause(id) : store.resume(id)));
  ctx.print(view, pause ? `Paused job ${id}: it fires nothing until resumed.` : `Resumed job ${id}; next tick ${view.nextTick ?? '-'} (ticks that fell while paused are not fired).`);
}

export async function deleteAction(ctx: CliContext, id: string, flags: StoreFlags & { yes?: boolean }): Promise<void> {
  if (!flags.yes) throw new CliError(EXIT.refused, `Refusing to delete job ${id} without --yes.`, `Run again with --yes, or pause it instead: switchyard schedules pause ${id}.`);
  await withStore(ctx, flags, (store) => store.delete(id));
  ctx.print({ id, deleted: true }, `Deleted job ${id}.`);
}

export async function runNowAction(ctx: CliContext, id: string, flags: StoreFlags): Promise<void> {
  const receipt = await withStore(ctx, flags, (store) => store.runNow(id));
  ctx.print(receipt, `Fired job ${id} now: execution ${receipt.executionId} (see: switchyard schedules show ${id}).`);
}
