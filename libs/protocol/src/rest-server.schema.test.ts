import { describe, expect, it } from 'vitest';
import { apiPathOf, RestServerConfigSchema } from './rest-server.schema.js';
import { safeParseIssues } from './validation/parse-or-throw.js';

describe('RestServerConfigSchema', () => {
  it('fills every part with the seed defaults from an empty object', () => {
    const config = RestServerConfigSchema.parse({});
    expect(config.api).toEqual({
      version: 'v1',
      basePath: '/api',
      enableCrud: true,
      enableMetadata: true,
      enableBatch: true,
      enableDiscovery: true,
      documentation: { enabled: true, title: 'ObjectStack API' },
      responseFormat: { envelope: true, includeMetadata: true, includePagination: true },
    });
    expect(config.crud).toEqual({ operations: { create: true, read: true, update: true, delete: true, list: true }, dataPrefix: '/data', objectParamStyle: 'path' });
    expect(config.metadata).toEqual({
      prefix: '/meta',
      enableCache: true,
      cacheTtl: 3600,
      endpoints: {
        types: { method: 'GET', path: '/meta' },
        items: { method: 'GET', path: '/meta/:type' },
        item: { method: 'GET', path: '/meta/:type/:name' },
        schema: { method: 'GET', path: '/meta/:type/:name/schema' },
      },
    });
    expect(config.batch).toEqual({ maxBatchSize: 200, enableBatchEndpoint: true, operations: { createMany: true, updateMany: true, deleteMany: true, upsertMany: true }, defaultAtomic: true });
    expect(config.routes).toEqual({ includeObjects: [], excludeObjects: [], nameTransform: 'none', overrides: {} });
  });

  it('keeps the defaults of the fields a partial part leaves out', () => {
    const config = RestServerConfigSchema.parse({ api: { version: 'v2', responseFormat: { envelope: false } }, crud: { operations: { delete: false } } });
    expect(apiPathOf(config.api)).toBe('/api/v2');
    expect(config.api.responseFormat).toEqual({ envelope: false, includeMetadata: true, includePagination: true });
    expect(config.crud.operations).toEqual({ create: true, read: true, update: true, delete: false, list: true });
  });

  it('apiPath, when given, wins over basePath/version', () => {
    expect(apiPathOf(RestServerConfigSchema.parse({ api: { apiPath: '/x/y' } }).api)).toBe('/x/y');
  });

  it('names the field of a bad value', () => {
    const paths = (input: unknown) => safeParseIssues(RestServerConfigSchema, input).map((i) => i.path);
    expect(paths({ batch: { maxBatchSize: 1001 } })).toEqual(['batch.maxBatchSize']);
    expect(paths({ batch: { maxBatchSize: 0 } })).toEqual(['batch.maxBatchSize']);
    expect(paths({ api: { version: '1' } })).toEqual(['api.version']);
    expect(paths({ api: { basePath: 'api' } })).toEqual(['api.basePath']);
    expect(paths({ crud: { objectParamStyle: 'header' } })).toEqual(['crud.objectParamStyle']);
    expect(paths({ routes: { nameTransform: 'snake' } })).toEqual(['routes.nameTransform']);
    expect(paths({ metadata: { cacheTtl: -1 } })).toEqual(['metadata.cacheTtl']);
  });
});
