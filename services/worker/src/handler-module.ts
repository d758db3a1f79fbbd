import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { SNAKE_CASE_ID_PATTERN, SwitchyardError } from '@switchyard/protocol';
import type { TaskHandlers } from '@switchyard/worker';

const HINT = 'The module must `export default { task_type: async (task) => { ... } }` (or `export const handlers = { ... }`), task types in snake_case; see services/worker/README.md.';

/**
 * Imports the handlers module at `path` (relative to `cwd`) and validates what it exports.
 * Throws SY_INVALID_CONFIG naming the module and every bad key.
 */
export async function loadHandlerModule(path: string, cwd = process.cwd()): Promise<TaskHandlers> {
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
  return handlersFromModule(exports, file);
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
  if (entries.length === 0) throw invalid(module, `its ${exportName} export has no handlers.`);
  const problems = entries.flatMap(([key, fn]) => [
    ...(SNAKE_CASE_ID_PATTERN.test(key) ? [] : [`"${key}": task type must be snake_case (a-z, 0-9, _; not starting with a digit)`]),
    ...(typeof fn === 'function' ? [] : [`"${key}": must be a function, not ${describe(fn)}`]),
  ]);
  if (problems.length > 0) throw invalid(module, `its ${exportName} export has bad handlers:\n  ${problems.join('\n  ')}`);
  return Object.freeze({ ...(value as TaskHandlers) });
}

function invalid(module: string, problem: string): SwitchyardError {
  return new SwitchyardError('SY_INVALID_CONFIG', `Handlers module ${module}: ${problem}`, { hint: HINT, details: { module } });
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}
