/** Flags of `switchyard schedules create`, turned into a job input (validated by the lib). */
import { readFile } from 'node:fs/promises';
import type { ScheduledJobInput } from '@switchyard/scheduler';
import { CliError } from '../cli-context.js';
import { EXIT } from '../exit-codes.js';

export interface CreateFlags {
  readonly file?: string;
  readonly id?: string;
  readonly name?: string;
  readonly handler?: string;
  readonly cron?: string;
  readonly timezone?: string;
  readonly everyMs?: string;
  readonly at?: string;
  readonly queue?: string;
  readonly event?: string;
  readonly payload?: string;
  readonly priority?: string;
  readonly tenant?: string;
  readonly misfire?: string;
  readonly maxRetries?: string;
  readonly timeoutMs?: string;
  readonly disabled?: boolean;
}

function bad(message: string, hint: string): CliError {
  return new CliError(EXIT.badInput, message, hint);
}

function json(flag: string, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw bad(`${flag}: not valid JSON (${(error as Error).message}).`, `Pass JSON, e.g. ${flag} '{"to":"ops@example.com"}'.`);
  }
}

function int(flag: string, text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n)) throw bad(`${flag}: "${text}" is not an integer.`, `Pass a whole number, e.g. ${flag} 1000.`);
  return n;
}

/** The job described by --file or by the flags; shape errors are left to the lib's validation (SY_INVALID_JOB). */
export async function jobFromFlags(flags: CreateFlags): Promise<ScheduledJobInput> {
  if (flags.file) {
    const text = await readFile(flags.file, 'utf8').catch((error: Error) => {
      throw bad(`--file: cannot read ${flags.file} (${error.message}).`, 'Pass a JSON file holding one job.');
    });
    return json('--file', text) as ScheduledJobInput;
  }
  const kinds = [flags.cron, flags.everyMs, flags.at].filter((v) => v !== undefined).length;
  if (kinds !== 1) throw bad('Give exactly one schedule: --cron <expr>, --every-ms <ms> or --at <iso>.', 'e.g. --cron "0 3 * * *" --timezone Europe/Berlin, --every-ms 60000, --at 2030-01-01T00:00:00Z.');
  if ((flags.queue === undefined) === (flags.event === undefined)) throw bad('Give exactly one target: --queue <name> (a task) or --event <name> (an event).', 'e.g. --queue reports --handler build_report.');
  if (!flags.id) throw bad('--id is required (or --file).', 'e.g. --id nightly-report.');
  const name = flags.name ?? flags.id.replace(/-/g, '_').toLowerCase();
  const schedule = flags.cron !== undefined
    ? { type: 'cron' as const, expression: flags.cron, ...(flags.timezone ? { timezone: flags.timezone } : {}) }
    : flags.everyMs !== undefined
      ? { type: 'interval' as const, intervalMs: int('--every-ms', flags.everyMs) }
      : { type: 'once' as const, at: flags.at! };
  const payload = flags.payload !== undefined ? { payload: json('--payload', flags.payload) } : {};
  const common = { ...(flags.priority ? { priority: flags.priority } : {}), ...(flags.tenant ? { tenant: flags.tenant } : {}), ...payload };
  const target = flags.queue !== undefined ? { kind: 'task' as const, queue: flags.queue, ...common } : { kind: 'event' as const, name: flags.event!, ...common };
  return {
    id: flags.id,
    name,
    handler: flags.handler ?? flags.event ?? name,
    schedule,
    target,
    ...(flags.misfire ? { misfire: { policy: flags.misfire } } : {}),
    ...(flags.maxRetries !== undefined ? { retryPolicy: { maxRetries: int('--max-retries', flags.maxRetries) } } : {}),
    ...(flags.timeoutMs !== undefined ? { timeout: int('--timeout-ms', flags.timeoutMs) } : {}),
    ...(flags.disabled ? { enabled: false } : {}),
  } as ScheduledJobInput;
}
