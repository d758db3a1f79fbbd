import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { QueueTopologyOptionsSchema, type QueueTopologyOptionsInput } from '@switchyard/kafka';
import { QueueNameSchema, SwitchyardError, WorkerConfigSchema, formatIssuePath, parseOrThrow } from '@switchyard/protocol';
import { WorkerOptionsSchema, type WorkerOptions } from '@switchyard/worker';

/** Default HTTP port of /metrics, /healthz and /stats (the Prometheus exporter convention). */
export const DEFAULT_HTTP_PORT = 9464;
/** Default HTTP host: loopback only; set WORKER_HTTP_HOST=0.0.0.0 to expose it. */
export const DEFAULT_HTTP_HOST = '127.0.0.1';

const README = 'services/worker/README.md';

/**
 * The worker name becomes the consumer group `switchyard.worker.<name>` and part of the
 * transactional id, so it is limited to characters Kafka ids take everywhere.
 */
const WorkerNameSchema = z.string().regex(/^[A-Za-z0-9._-]{1,100}$/, 'must be 1-100 letters, digits, dot, dash or underscore (it names the consumer group)');

/**
 * The JSON config file: the WorkerOptions createWorker takes (functions excluded: handlers come
 * from the handlers module), plus the topology used by --ensure-topology. Strict at every level
 * the worker owns, so a misspelt option fails instead of being ignored.
 */
export const WorkerServiceFileSchema = WorkerOptionsSchema.extend({
  config: WorkerConfigSchema.omit({ handlers: true }).extend({ name: WorkerNameSchema }).strict(),
  /** Layout of each queue's topics when --ensure-topology creates them. */
  topology: QueueTopologyOptionsSchema.optional(),
})
  .strict()
  .superRefine((file, ctx) => {
    const queues = new Set(file.config.queues);
    for (const key of Object.keys(file.queueOptions)) {
      if (!queues.has(key)) ctx.addIssue({ code: 'custom', path: ['queueOptions', key], message: `names no queue of config.queues (${file.config.queues.join(', ')})` });
    }
    file.config.queueConfigs?.forEach((q, i) => {
      if (!queues.has(q.name)) ctx.addIssue({ code: 'custom', path: ['config', 'queueConfigs', i, 'name'], message: `"${q.name}" is not in config.queues (${file.config.queues.join(', ')})` });
    });
  });

export type WorkerServiceFile = z.input<typeof WorkerServiceFileSchema>;

const bool = z.enum(['true', 'false', '1', '0', 'yes', 'no'], { message: 'must be true or false' }).transform((v) => v === 'true' || v === '1' || v === 'yes');
const positiveInt = (what: string) => z.coerce.number({ message: `must be ${what}` }).int(`must be ${what}`).positive(`must be ${what}`);

/** The environment variables of the worker service (field names are the variables). */
export const WorkerServiceEnvSchema = z.object({
  SWITCHYARD_WORKER_CONFIG: z.string().min(1).optional(),
  SWITCHYARD_HANDLERS: z.string().min(1).optional(),
  WORKER_NAME: WorkerNameSchema.optional(),
  WORKER_QUEUES: z
    .string()
    .transform((v) => v.split(',').map((s) => s.trim()).filter(Boolean))
    .pipe(z.array(QueueNameSchema).min(1, 'must name at least one queue, e.g. emails,reports'))
    .optional(),
  WORKER_CONCURRENCY: positiveInt('a whole number >= 1 (tasks run at once per queue)').optional(),
  WORKER_SHUTDOWN_TIMEOUT_MS: positiveInt('a whole number of milliseconds > 0').optional(),
  WORKER_HTTP_PORT: z.coerce.number({ message: 'must be a port number 0-65535' }).int('must be a port number 0-65535').min(0, 'must be a port number 0-65535').max(65535, 'must be a port number 0-65535').optional(),
  WORKER_HTTP_HOST: z.string().min(1).optional(),
  WORKER_ENSURE_TOPOLOGY: bool.optional(),
  WORKER_TOPOLOGY_PARTITIONS: positiveInt('a whole number >= 1 (partitions per topic)').optional(),
});

type WorkerServiceEnv = z.output<typeof WorkerServiceEnvSchema>;

/** Variables that describe the worker itself; ignored (with a warning) when a config file is used. */
const ENV_ONLY_WHEN_NO_FILE = ['WORKER_NAME', 'WORKER_QUEUES', 'WORKER_CONCURRENCY', 'WORKER_SHUTDOWN_TIMEOUT_MS', 'WORKER_TOPOLOGY_PARTITIONS'] as const;

/** Everything the worker process needs, validated and frozen. */
export interface WorkerServiceOptions {
  /** Where the worker options came from: the config file's absolute path, or `env`. */
  readonly source: string;
  /** The process's name (config.name or WORKER_NAME): the worker's consumer group, the `worker` log field. */
  readonly name: string;
  /**
   * The task worker's options; undefined when no queues are configured (env without
   * WORKER_QUEUES), which only a module with subscriptions and no task handlers may run with
   * (see {@link checkModuleFitsQueues}).
   */
  readonly worker: WorkerOptions | undefined;
  /** The event bus of the module's subscriptions: what the worker settings give it (unset: the bus's defaults). */
  readonly events: {
    /** The bus's `queue.concurrency` (default concurrency of each subscription): WORKER_CONCURRENCY; unset with a config file. */
    readonly concurrency?: number;
    /** Default `shutdownTimeoutMs` of each subscription: the worker's grace period. */
    readonly shutdownTimeoutMs?: number;
  };
  readonly topology: QueueTopologyOptionsInput;
  readonly ensureTopology: boolean;
  /** Path of the handlers module, as given. */
  readonly handlersModule: string;
  readonly http: { readonly host: string; readonly port: number };
  /** Env variables that were set but do not apply because a config file was given. */
  readonly ignoredEnv: readonly string[];
}

interface CliArgs {
  config?: string;
  handlers?: string;
  port?: string;
  'ensure-topology'?: boolean;
}

/** Reads the command line; an unknown flag or a missing value is SY_INVALID_CONFIG. */
export function parseCliArgs(argv: readonly string[]): CliArgs {
  try {
    const { values } = parseArgs({
      args: [...argv],
      options: { config: { type: 'string' }, handlers: { type: 'string' }, port: { type: 'string' }, 'ensure-topology': { type: 'boolean' } },
      strict: true,
      allowPositionals: false,
    });
    return values;
  } catch (cause) {
    throw new SwitchyardError('SY_INVALID_CONFIG', `Invalid command line: ${(cause as Error).message}`, {
      hint: 'Usage: main.ts [--config <file.json>] --handlers <module> [--port <n>] [--ensure-topology]',
      cause,
    });
  }
}

/**
 * Options of the worker process from the command line and the environment (flags win over env).
 * Throws SY_INVALID_ENV / SY_INVALID_CONFIG naming every bad variable, flag or file field.
 */
export function loadWorkerServiceOptions(argv: readonly string[], env: Record<string, string | undefined> = process.env, cwd = process.cwd()): WorkerServiceOptions {
  const args = parseCliArgs(argv);
  const e = parseEnv({ ...env, ...defined({ WORKER_HTTP_PORT: args.port }) }, args.port !== undefined);
  const configFile = args.config ?? e.SWITCHYARD_WORKER_CONFIG;
  const handlersModule = args.handlers ?? e.SWITCHYARD_HANDLERS;
  if (!handlersModule) {
    throw new SwitchyardError('SY_INVALID_CONFIG', 'No handlers module: give --handlers <module> or set SWITCHYARD_HANDLERS.', {
      hint: `Point it at an ES module whose default export (or export \`handlers\`) maps task types to async functions; see ${README}.`,
    });
  }
  const fromFile = configFile ? readWorkerServiceFile(resolve(cwd, configFile)) : undefined;
  const name = fromFile ? fromFile.config.name : requiredName(e);
  const worker = fromFile ? parseOrThrow(WorkerOptionsSchema, withoutTopology(fromFile), { code: 'SY_INVALID_CONFIG', what: 'WorkerOptions' }) : workerOptionsFromEnv(name, e);
  const options: WorkerServiceOptions = {
    source: configFile ? resolve(cwd, configFile) : 'env',
    name,
    worker,
    events: defined({ concurrency: fromFile ? undefined : e.WORKER_CONCURRENCY, shutdownTimeoutMs: worker?.config.shutdownTimeoutMs ?? e.WORKER_SHUTDOWN_TIMEOUT_MS }),
    topology: fromFile ? (fromFile.topology ?? {}) : defined({ partitions: e.WORKER_TOPOLOGY_PARTITIONS }),
    ensureTopology: args['ensure-topology'] ?? e.WORKER_ENSURE_TOPOLOGY ?? false,
    handlersModule,
    http: { host: e.WORKER_HTTP_HOST ?? DEFAULT_HTTP_HOST, port: e.WORKER_HTTP_PORT ?? DEFAULT_HTTP_PORT },
    ignoredEnv: configFile ? ENV_ONLY_WHEN_NO_FILE.filter((name) => env[name] !== undefined && env[name] !== '') : [],
  };
  return Object.freeze(options);
}

function parseEnv(env: Record<string, string | undefined>, portFromFlag: boolean): WorkerServiceEnv {
  const present = Object.fromEntries(Object.entries(env).filter(([k, v]) => k in WorkerServiceEnvSchema.shape && v !== undefined && v !== ''));
  const parsed = WorkerServiceEnvSchema.safeParse(present);
  if (parsed.success) return parsed.data;
  const lines = parsed.error.issues.map((issue) => {
    const name = formatIssuePath(issue.path);
    return `${name === 'WORKER_HTTP_PORT' && portFromFlag ? '--port' : name}: ${issue.message}`;
  });
  throw new SwitchyardError('SY_INVALID_ENV', `Invalid worker settings:\n  ${lines.join('\n  ')}`, {
    hint: `Fix the variables named above (see the table in ${README}).`,
    details: { issues: parsed.error.issues.map((i) => ({ path: formatIssuePath(i.path), message: i.message })) },
  });
}

function requiredName(e: WorkerServiceEnv): string {
  if (e.WORKER_NAME) return e.WORKER_NAME;
  throw missingEnv('WORKER_NAME: is required without a config file (it names the consumer group)');
}

function missingEnv(line: string): SwitchyardError {
  return new SwitchyardError('SY_INVALID_ENV', `Invalid worker settings:\n  ${line}`, {
    hint: `Set the variables named above, or give a config file with --config <file.json> / SWITCHYARD_WORKER_CONFIG (see ${README}).`,
  });
}

/** The task worker from WORKER_*; none without WORKER_QUEUES (whether that is allowed depends on the module). */
function workerOptionsFromEnv(name: string, e: WorkerServiceEnv): WorkerOptions | undefined {
  const queues = e.WORKER_QUEUES;
  if (!queues) return undefined;
  const input = {
    config: {
      name,
      queues,
      ...(e.WORKER_CONCURRENCY ? { queueConfigs: queues.map((name) => ({ name, concurrency: e.WORKER_CONCURRENCY })) } : {}),
      ...defined({ shutdownTimeoutMs: e.WORKER_SHUTDOWN_TIMEOUT_MS }),
    },
  };
  return parseOrThrow(WorkerOptionsSchema, input, { code: 'SY_INVALID_ENV', what: 'WorkerOptions (from env)' });
}

/**
 * Task handlers need queues, and queues need task handlers: a worker without handlers would fail
 * every task with SY_UNKNOWN_TASK_TYPE and dead-letter it. A module with only `subscriptions` runs
 * without a task worker (no WORKER_QUEUES, no config file). Throws SY_INVALID_ENV/CONFIG (exit 2).
 */
export function checkModuleFitsQueues(options: WorkerServiceOptions, module: { readonly tasks: unknown; readonly subscriptions: readonly unknown[] }): void {
  if (module.tasks !== undefined && !options.worker) {
    throw missingEnv('WORKER_QUEUES: is required without a config file: a comma list of queue names (the handlers module exports task handlers)');
  }
  if (module.tasks === undefined && options.worker) {
    const queues = options.worker.config.queues.join(', ');
    const fromEnv = options.source === 'env';
    throw new SwitchyardError(
      fromEnv ? 'SY_INVALID_ENV' : 'SY_INVALID_CONFIG',
      `Handlers module ${options.handlersModule} exports only subscriptions (no task handlers), but ${fromEnv ? 'WORKER_QUEUES names' : `the config file ${options.source} names`} queue(s) ${queues}: their tasks would all fail with SY_UNKNOWN_TASK_TYPE.`,
      {
        hint: fromEnv
          ? `Unset WORKER_QUEUES to run only the subscriptions, or export task handlers from the module (see ${README}).`
          : `Run without --config / SWITCHYARD_WORKER_CONFIG (WORKER_NAME names the process) to run only the subscriptions, or export task handlers from the module (see ${README}).`,
      },
    );
  }
}

/**
 * Reads and validates a config file. Errors name the file, each bad field's path and what to do.
 */
export function readWorkerServiceFile(file: string): z.output<typeof WorkerServiceFileSchema> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (cause) {
    throw new SwitchyardError('SY_INVALID_CONFIG', `Cannot read the worker config file ${file}: ${(cause as Error).message}`, {
      hint: 'Check the path given with --config or SWITCHYARD_WORKER_CONFIG (relative paths start at the working directory).',
      cause,
    });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    throw new SwitchyardError('SY_INVALID_CONFIG', `The worker config file ${file} is not valid JSON: ${(cause as Error).message}`, {
      hint: `Fix the JSON syntax; the format is in ${README} ("Config file").`,
      cause,
    });
  }
  const parsed = WorkerServiceFileSchema.safeParse(json);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.flatMap(fileIssues);
  throw new SwitchyardError('SY_INVALID_CONFIG', `Invalid worker config file ${file} (${issues.length} ${issues.length === 1 ? 'problem' : 'problems'}):\n  ${issues.map((i) => `${i.path}: ${i.message}`).join('\n  ')}`, {
    hint: `Edit ${file}: fix each field listed above (the message says what is expected); the format and an example are in ${README} ("Config file").`,
    details: { file, issues },
  });
}

const KEY_HINTS: Record<string, string> = {
  'config.handlers': 'functions cannot come from JSON: pass the handlers module with --handlers or SWITCHYARD_HANDLERS',
};

/** One line per bad field; an unknown key is reported at its own path, not its parent's. */
function fileIssues(issue: z.core.$ZodIssue): { path: string; message: string }[] {
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => {
      const path = formatIssuePath([...issue.path, key]);
      return { path, message: KEY_HINTS[path] ?? 'unknown field: remove it or fix its spelling' };
    });
  }
  return [{ path: formatIssuePath(issue.path) || '(file)', message: issue.message }];
}

function withoutTopology(file: z.output<typeof WorkerServiceFileSchema>): unknown {
  const { topology: _topology, ...rest } = file;
  return rest;
}

function defined<T extends Record<string, unknown>>(values: T): Partial<T> {
  return Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined)) as Partial<T>;
}
