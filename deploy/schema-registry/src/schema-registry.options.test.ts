import { describe, expect, it } from 'vitest';
import { confluentUrl, registryFiles, resolveSchemaRegistryLocalOptions } from './schema-registry.options.js';

describe('schema-registry-local options', () => {
  it('defaults to port 8081 under the repo .data folder', () => {
    const options = resolveSchemaRegistryLocalOptions({}, {});
    expect(options).toMatchObject({ port: 8081, heap: '256m', startTimeoutMs: 60_000 });
    expect(options.dataDir).toMatch(/\.data\/schema-registry$/);
    expect(confluentUrl(options)).toBe('http://127.0.0.1:8081/apis/ccompat/v7');
  });

  it('reads the environment, flags win over it', () => {
    const env = { SCHEMA_REGISTRY_LOCAL_PORT: '18081', SCHEMA_REGISTRY_LOCAL_DATA_DIR: '/tmp/sr', SCHEMA_REGISTRY_LOCAL_START_TIMEOUT_MS: '5000' };
    const options = resolveSchemaRegistryLocalOptions({}, env);
    expect(options).toMatchObject({ port: 18081, dataDir: '/tmp/sr', startTimeoutMs: 5000 });
    expect(registryFiles(options).log).toBe('/tmp/sr/port-18081/registry.log');
    expect(resolveSchemaRegistryLocalOptions({ port: 28081 }, env).port).toBe(28081);
  });

  it('names the variable and the expected form of a bad value', () => {
    expect(() => resolveSchemaRegistryLocalOptions({}, { SCHEMA_REGISTRY_LOCAL_PORT: 'abc' })).toThrow(
      /SCHEMA_REGISTRY_LOCAL_PORT \/ --port: must be a port number, e\.g\. 8081/,
    );
    expect(() => resolveSchemaRegistryLocalOptions({}, { SCHEMA_REGISTRY_LOCAL_START_TIMEOUT_MS: '-1' })).toThrow(
      /SCHEMA_REGISTRY_LOCAL_START_TIMEOUT_MS \/ --start-timeout-ms: must be > 0/,
    );
    expect(() => resolveSchemaRegistryLocalOptions({}, { SCHEMA_REGISTRY_LOCAL_HEAP: 'lots' })).toThrow(/SCHEMA_REGISTRY_LOCAL_HEAP \/ --heap: must look like 256m/);
    expect(() => resolveSchemaRegistryLocalOptions({ port: 80 })).toThrow(/--port: must be >= 1024/);
  });
});
