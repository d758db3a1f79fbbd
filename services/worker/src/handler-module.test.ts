import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isSwitchyardError, type SwitchyardError } from '@switchyard/protocol';
import { handlersFromModule, loadHandlerModule } from './handler-module.js';

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
    const handlers = await loadHandlerModule('handlers.mjs', join(file, '..'));
    expect(await handlers.ping!({ id: 't1' } as never)).toBe('pong t1');
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
