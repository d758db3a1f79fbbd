import { describe, expect, it } from 'vitest';
import { RestServerConfigSchema, type RestServerConfigInput } from '@switchyard/protocol';
import { checkRouteConfig, objectSelected, operationAllowed } from './route-config.js';

const refusal = (input: RestServerConfigInput) => {
  try {
    checkRouteConfig(RestServerConfigSchema.parse(input));
    return undefined;
  } catch (error) {
    return error as { code: string; details: { field: string } };
  }
};

describe('checkRouteConfig', () => {
  it('accepts the defaults and a config naming known objects', () => {
    expect(refusal({})).toBeUndefined();
    expect(refusal({ routes: { includeObjects: ['tasks'], excludeObjects: ['replays'], overrides: { queues: { enabled: false } } }, crud: { patterns: { delete: { method: 'POST', path: '/data/{object}/:id/cancel' } } } })).toBeUndefined();
  });

  it('refuses what it would otherwise ignore, naming the option', () => {
    const cases: [RestServerConfigInput, string][] = [
      [{ routes: { excludeObjects: ['task'] } }, 'routes.excludeObjects'],
      [{ routes: { includeObjects: ['tasks*'] } }, 'routes.includeObjects'],
      [{ routes: { overrides: { jobs: { enabled: false } } } }, 'routes.overrides'],
      [{ crud: { patterns: { read: { method: 'POST', path: '/data/{object}/:id' } } } }, 'crud.patterns.read.method'],
      [{ crud: { patterns: { read: { method: 'GET', path: '/data/{object}' } } } }, 'crud.patterns.read.path'],
      [{ crud: { patterns: { list: { method: 'GET', path: '/data/things' } } } }, 'crud.patterns.list.path'],
      [{ crud: { patterns: { create: { method: 'POST', path: '/data/{object}/:name' } } } }, 'crud.patterns.create.path'],
      [{ crud: { objectParamStyle: 'query' } }, 'crud.objectParamStyle'],
      [{ batch: { defaultAtomic: false } }, 'batch.defaultAtomic'],
    ];
    for (const [input, field] of cases) expect(refusal(input)).toMatchObject({ code: 'SY_INVALID_CONFIG', details: { field } });
  });

  it('selects objects and operations by include, exclude, overrides and toggles', () => {
    const config = RestServerConfigSchema.parse({ crud: { operations: { update: false } }, routes: { includeObjects: ['tasks', 'queues'], excludeObjects: ['queues'], overrides: { tasks: { operations: { delete: false } } } } });
    expect(['tasks', 'queues', 'events'].filter((o) => objectSelected(o, config.routes))).toEqual(['tasks']);
    expect((['create', 'read', 'update', 'delete', 'list'] as const).filter((op) => operationAllowed(config, 'tasks', op))).toEqual(['create', 'read', 'list']);
  });
});
