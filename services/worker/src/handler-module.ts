import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { z } from 'zod';
import { EventPatternSchema, SubscriptionNameSchema, SubscriptionOptionsSchema, type SubscribeHandler, type SubscriptionOptionsInput } from '@switchyard/events';
import { EventHandlerSchema, SNAKE_CASE_ID_PATTERN, SwitchyardError, formatIssuePath } from '@switchyard/protocol';
import type { TaskHandlers } from '@switchyard/worker';

const HINT = 'The module must `export default { task_type: async (task) => { ... } }` (or `export const handlers = { ... }`), task types in snake_case; see services/worker/README.md.';
const SUBSCRIPTIONS_HINT =
  'Export `subscriptions` as an array of `{ name, handlers: [{ eventName, handler: async (event, ctx) => { ... } }], options? }`: name in a-z, 0-9, _ or -, eventName a name or pattern such as user.*, options the bus\'s subscription options without `name`; see services/worker/README.md ("Event subscriptions").';

/**
 * An event-bus subscription a handlers module exports (`export const subscriptions = [...]`): the
 * worker process subscribes its handlers under `name` (consumer group `switchyard.events.<name>`).
 */
export interface ModuleSubscription {
  readonly name: string;
  readonly handlers: readonly SubscribeHandler[];
  /** Subscription options of `@switchyard/events` (concurrency, startFrom, domains, ...); `name` is above. */
  readonly options?: Omit<SubscriptionOptionsInput, 'name'>;
}

/** What a handlers module gives the worker process: task handlers, event subscriptions, or both. */
export interface HandlerModule {
  /** Task handlers by task type; undefined when the module exports only `subscriptions`. */
  readonly tasks: TaskHandlers | undefined;
  /** Event subscriptions (empty when the module exports none). */
  readonly subscriptions: readonly ModuleSubscription[];
}

/**
 * The `subscriptions` export: checked here so a mistake names the module and the field. Strict at
 * every level (a misspelt `eventname` or option must not be ignored); values are not transformed:
 * the bus applies its own defaults when it subscribes them.
 */
const ModuleSubscriptionSchema = z
  .object({
    name: SubscriptionNameSchema,
    handlers: z.array(EventHandlerSchema.extend({ eventName: EventPatternSchema }).strict()).min(1, 'needs at least one handler: { eventName, handler }'),
    options: SubscriptionOptionsSchema.omit({ name: true }).optional(),
  })
  .strict();

const SubscriptionsExportSchema = z
  .array(ModuleSubscriptionSchema, { message: 'must be an array of subscriptions' })
  .min(1, 'is empty: remove the export or add a subscription')
  .superRefine((subscriptions, ctx) => {
    const seen = new Set<string>();
    subscriptions.forEach((s, i) => {
      if (seen.has(s.name)) ctx.addIssue({ code: 'custom', path: [i, 'name'], message: `"${s.name}" is used twice: give each subscription its own name (or put the handlers in one)` });
      seen.add(s.name);
    });
  });

/**
 * Imports the handlers module at `path` (relative to `cwd`) and validates what it exports.
 * Throws SY_INVALID_CONFIG naming the module and every bad key.
 */
export async function loadHandlerModule(path: string, cwd = process.cwd()): Promise<HandlerModule> {
  const file = resolve(cwd, path);
  if (!existsSync(file)) {
    throw new SwitchyardError('SY_INVALID_CONFIG', `Handlers module ${file} does not exist.`, {
      hint: 'Check the path given with --handlers or SWITCHYARD_HANDLERS (relative paths start at the working directory).',
      details: { module: file },
    });
  }
  let exports: Record<string, unknown>;
  try {
    exports = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  } catch (cause) {
    throw new SwitchyardError('SY_INVALID_CONFIG', `Handlers module ${file} failed to load: ${(cause as Error)?.message ?? String(cause)}`, {
      hint: 'Fix the error above in the module (or one it imports); run it with `npx tsx <module>` to see the full stack.',
      details: { module: file },
      cause,
    });
  }
  return handlerModuleFromExports(exports, file);
}

/**
 * Task handlers (default export, else `handlers`) and event subscriptions (`subscriptions`) from a
 * module's exports. At least one of the two is required; each present one must be valid.
 */
export function handlerModuleFromExports(exports: Record<string, unknown>, module: string): HandlerModule {
  const hasTasks = exports.default !== undefined || exports.handlers !== undefined;
  if (!hasTasks && exports.subscriptions === undefined) {
    const found = Object.keys(exports);
    throw invalid(module, `exports neither task handlers (a default export or \`handlers\`) nor \`subscriptions\` (it exports: ${found.length > 0 ? found.join(', ') : 'nothing'}).`);
  }
  return Object.freeze({
    tasks: hasTasks ? handlersFromModule(exports, module) : undefined,
    subscriptions: exports.subscriptions === undefined ? [] : subscriptionsFromModule(exports.subscriptions, module),
  });
}

/**
 * Picks the handlers record from a module's exports (default export, else `handlers`) and checks
 * it is a non-empty object of functions keyed by snake_case task types.
 */
export function handlersFromModule(exports: Record<string, unknown>, module: string): TaskHandlers {
  const [exportName, value] = exports.default !== undefined ? ['default', exports.default] : ['handlers', exports.handlers];
  if (value === undefined) {
    const found = Object.keys(exports);
    throw invalid(module, `exports neither a default export nor \`handlers\` (it exports: ${found.length > 0 ? found.join(', ') : 'nothing'}).`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw invalid(module, `its ${exportName} export must be an object of task type -> function, not ${describe(value)}.`);
  }
  const entries = Object.entries(value);
  if (entries.length === 0) throw invalid(module, `its ${exportName} export has no handlers${exports.subscriptions !== undefined ? ' (a module with only subscriptions must not export it at all)' : ''}.`);
  const problems = entries.flatMap(([key, fn]) => [
    ...(key === 'subscriptions' && Array.isArray(fn) ? ['"subscriptions": must be a named export of its own (`export const subscriptions = [...]`), not a task type'] : []),
    ...(SNAKE_CASE_ID_PATTERN.test(key) ? [] : [`"${key}": task type must be snake_case (a-z, 0-9, _; not starting with a digit)`]),
    ...(typeof fn === 'function' ? [] : [`"${key}": must be a function, not ${describe(fn)}`]),
  ]);
  if (problems.length > 0) throw invalid(module, `its ${exportName} export has bad handlers:\n  ${problems.join('\n  ')}`);
  return Object.freeze({ ...(value as TaskHandlers) });
}

/** Checks the `subscriptions` export; every problem is named by its path, e.g. `subscriptions[0].handlers[1].eventName`. */
export function subscriptionsFromModule(value: unknown, module: string): readonly ModuleSubscription[] {
  const parsed = SubscriptionsExportSchema.safeParse(value);
  if (!parsed.success) {
    const problems = parsed.error.issues.flatMap(subscriptionIssues);
    throw new SwitchyardError('SY_INVALID_CONFIG', `Handlers module ${module}: its subscriptions export is invalid (${problems.length} ${problems.length === 1 ? 'problem' : 'problems'}):\n  ${problems.join('\n  ')}`, {
      hint: SUBSCRIPTIONS_HINT,
      details: { module },
    });
  }
  // The module's own values, not the parsed ones: parsing fills in option defaults that would
  // override the bus's (e.g. concurrency).
  return Object.freeze((value as ModuleSubscription[]).map((s) => Object.freeze({ ...s, handlers: Object.freeze([...s.handlers]) })));
}

/** One line per problem; an unknown key is reported at its own path with what to do. */
function subscriptionIssues(issue: z.core.$ZodIssue): string[] {
  // The export is an array: every path starts with an index (`subscriptions[0].name`) or is empty.
  const at = (path: readonly PropertyKey[]) => `subscriptions${formatIssuePath(path)}`;
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => `${at([...issue.path, key])}: unknown field: ${key === 'name' && issue.path.at(-1) === 'options' ? 'the name goes on the subscription itself, not in options' : 'remove it or fix its spelling'}`);
  }
  return [`${at(issue.path)}: ${issue.message}`];
}

function invalid(module: string, problem: string): SwitchyardError {
  return new SwitchyardError('SY_INVALID_CONFIG', `Handlers module ${module}: ${problem}`, { hint: HINT, details: { module } });
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}
