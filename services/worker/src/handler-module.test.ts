import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isSwitchyardError, type SwitchyardError } from '@switchyard/protocol';
import { handlerModuleFromExports, handlersFromModule, loadHandlerModule, subscriptionsFromModule } from './handler-module.js';

async function rejection(run: () => Promise<unknown>): Promise<SwitchyardError> {
  const error = await run().then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!isSwitchyardError(error)) throw new Error(`expected a SwitchyardError, got ${String(error)}`);
  return error;
}

function moduleFile(source: string, name = 'handlers.mjs'): string {
  const file = join(mkdtempSync(join(tmpdir(), 'worker-handlers-')), name);
  writeFileSync(file, source);
  return file;
}

const noop = async () => undefined;

describe('handlersFromModule', () => {
  it('takes the default export', () => {
    expect(Object.keys(handlersFromModule({ default: { send_email: noop, resize_image: noop } }, 'm.ts'))).toEqual(['send_email', 'resize_image']);
  });

  it('falls back to the named export `handlers`', () => {
    expect(Object.keys(handlersFromModule({ handlers: { send_email: noop }, other: 1 }, 'm.ts'))).toEqual(['send_email']);
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['no usable export', { something: noop }, 'exports neither a default export nor `handlers` (it exports: something)'],
    ['nothing exported', {}, 'it exports: nothing'],
    ['a function as default', { default: noop }, 'its default export must be an object of task type -> function, not a function'],
    ['an array', { handlers: [noop] }, 'its handlers export must be an object of task type -> function, not an array'],
    ['null', { default: null }, 'not null'],
    ['an empty object', { default: {} }, 'its default export has no handlers'],
    ['a non-function value', { default: { send_email: noop, resize_image: 'resize.js' } }, '"resize_image": must be a function, not a string'],
    ['a non-snake_case type', { default: { sendEmail: noop } }, '"sendEmail": task type must be snake_case'],
  ])('rejects %s, naming the module and the bad key', (_case, exports, expected) => {
    let error: unknown;
    try {
      handlersFromModule(exports, '/app/handlers.ts');
    } catch (e) {
      error = e;
    }
    expect(isSwitchyardError(error) && error.code).toBe('SY_INVALID_CONFIG');
    expect((error as SwitchyardError).message).toContain('Handlers module /app/handlers.ts: ');
    expect((error as SwitchyardError).message).toContain(expected);
    expect((error as SwitchyardError).hint).toContain('export default');
  });

  it('lists every bad key at once', () => {
    expect(() => handlersFromModule({ default: { ok_one: noop, BadName: noop, no_fn: 42 } }, 'm.ts')).toThrow(/"BadName": task type must be snake_case[^]*"no_fn": must be a function, not a number/);
  });
});

describe('loadHandlerModule', () => {
  it('imports a module file relative to the working directory', async () => {
    const file = moduleFile('export default { ping: async (task) => `pong ${task.id}` };');
    const { tasks, subscriptions } = await loadHandlerModule('handlers.mjs', join(file, '..'));
    expect(await tasks!.ping!({ id: 't1' } as never)).toBe('pong t1');
    expect(subscriptions).toEqual([]);
  });

  it('names a module that does not exist', async () => {
    const error = await rejection(() => loadHandlerModule('/nonexistent/handlers.ts'));
    expect(error.code).toBe('SY_INVALID_CONFIG');
    expect(error.message).toBe('Handlers module /nonexistent/handlers.ts does not exist.');
  });

  it('names a module that throws while loading, with the cause', async () => {
    const file = moduleFile("throw new Error('database url missing');");
    const error = await rejection(() => loadHandlerModule(file));
    expect(error.message).toBe(`Handlers module ${file} failed to load: database url missing`);
    expect((error.cause as Error).message).toBe('database url missing');
  });

  it('validates what the module exports', async () => {
    const file = moduleFile('export const handlers = { send_email: "not a function" };');
    const error = await rejection(() => loadHandlerModule(file));
    expect(error.message).toContain(`Handlers module ${file}: its handlers export has bad handlers`);
    expect(error.message).toContain('"send_email": must be a function, not a string');
  });
});

function thrown(run: () => unknown): SwitchyardError {
  try {
    run();
  } catch (error) {
    if (isSwitchyardError(error)) return error;
    throw error;
  }
  throw new Error('expected a SwitchyardError, got none');
}

const audit = { name: 'audit', handlers: [{ eventName: 'user.*', handler: noop }] };

describe('handlerModuleFromExports: task handlers and event subscriptions', () => {
  it('takes task handlers and subscriptions side by side', () => {
    const module = handlerModuleFromExports({ default: { send_email: noop }, subscriptions: [audit] }, 'm.ts');
    expect(Object.keys(module.tasks!)).toEqual(['send_email']);
    expect(module.subscriptions.map((s) => s.name)).toEqual(['audit']);
  });

  it('accepts a module with only subscriptions (no task handlers)', () => {
    const module = handlerModuleFromExports({ subscriptions: [audit] }, 'm.ts');
    expect(module.tasks).toBeUndefined();
    expect(module.subscriptions).toHaveLength(1);
  });

  it('keeps the module values as given: option defaults are left to the bus', () => {
    const [subscription] = subscriptionsFromModule([{ ...audit, options: { startFrom: 'latest' } }], 'm.ts');
    expect(subscription!.options).toEqual({ startFrom: 'latest' });
    expect(subscription!.handlers[0]!.handler).toBe(noop);
  });

  it('names both kinds when the module exports neither', () => {
    const error = thrown(() => handlerModuleFromExports({ helper: noop }, '/app/m.ts'));
    expect(error.code).toBe('SY_INVALID_CONFIG');
    expect(error.message).toBe('Handlers module /app/m.ts: exports neither task handlers (a default export or `handlers`) nor `subscriptions` (it exports: helper).');
  });

  it('still rejects an empty task handlers export next to subscriptions', () => {
    expect(thrown(() => handlerModuleFromExports({ default: {}, subscriptions: [audit] }, 'm.ts')).message).toContain('its default export has no handlers (a module with only subscriptions must not export it at all)');
  });

  it('points subscriptions put inside the task handlers to their own export', () => {
    expect(thrown(() => handlerModuleFromExports({ default: { send_email: noop, subscriptions: [audit] } }, 'm.ts')).message).toContain(
      '"subscriptions": must be a named export of its own (`export const subscriptions = [...]`), not a task type',
    );
  });
});

describe('subscriptionsFromModule', () => {
  it.each<[string, unknown, string]>([
    ['not an array', audit, 'subscriptions: must be an array of subscriptions'],
    ['an empty array', [], 'subscriptions: is empty: remove the export or add a subscription'],
    ['a missing name', [{ handlers: audit.handlers }], 'subscriptions[0].name: Invalid input: expected string, received undefined'],
    ['a bad name', [{ ...audit, name: 'Audit.Log' }], 'subscriptions[0].name: must start with a-z and contain only a-z, 0-9, _ or -'],
    ['no handlers', [{ name: 'audit', handlers: [] }], 'subscriptions[0].handlers: needs at least one handler: { eventName, handler }'],
    ['a handler that is not a function', [{ name: 'audit', handlers: [{ eventName: 'user.*', handler: 'audit.js' }] }], 'subscriptions[0].handlers[0].handler: must be a function'],
    ['a bad pattern', [{ name: 'audit', handlers: [{ eventName: 'User.**', handler: noop }] }], 'subscriptions[0].handlers[0].eventName: must be dot-separated segments'],
    ['a misspelt handler field', [{ name: 'audit', handlers: [{ eventname: 'user.*', eventName: 'user.*', handler: noop }] }], 'subscriptions[0].handlers[0].eventname: unknown field: remove it or fix its spelling'],
    ['a bad option', [{ ...audit, options: { concurrency: 0 } }], 'subscriptions[0].options.concurrency: Too small'],
    ['an unknown option', [{ ...audit, options: { concurency: 4 } }], 'subscriptions[0].options.concurency: unknown field: remove it or fix its spelling'],
    ['the name inside options', [{ ...audit, options: { name: 'audit' } }], 'subscriptions[0].options.name: unknown field: the name goes on the subscription itself, not in options'],
    ['a misspelt subscription field', [{ ...audit, option: {} }], 'subscriptions[0].option: unknown field'],
    ['a name used twice', [audit, { ...audit }], 'subscriptions[1].name: "audit" is used twice'],
  ])('rejects %s, naming the module and the field', (_case, value, expected) => {
    const error = thrown(() => subscriptionsFromModule(value, '/app/handlers.ts'));
    expect(error.code).toBe('SY_INVALID_CONFIG');
    expect(error.message).toContain('Handlers module /app/handlers.ts: its subscriptions export is invalid (');
    expect(error.message).toContain(expected);
    expect(error.hint).toContain('services/worker/README.md');
  });

  it('lists every problem at once', () => {
    const error = thrown(() => subscriptionsFromModule([{ name: 'A', handlers: [{ eventName: 'x.*' }] }], 'm.ts'));
    expect(error.message).toContain('(2 problems)');
    expect(error.message.split('\n').slice(1).map((line) => line.trim().split(':')[0])).toEqual(['subscriptions[0].name', 'subscriptions[0].handlers[0].handler']);
  });
});

describe('loadHandlerModule with subscriptions', () => {
  it('loads a module that exports only subscriptions', async () => {
    const file = moduleFile("export const subscriptions = [{ name: 'audit', handlers: [{ eventName: 'user.*', handler: async () => {} }] }];");
    const module = await loadHandlerModule(file);
    expect(module.tasks).toBeUndefined();
    expect(module.subscriptions.map((s) => s.name)).toEqual(['audit']);
  });
});
