import { execFile } from 'node:child_process';
import net from 'node:net';
import { promisify } from 'node:util';
import { describe, expect, it, onTestFinished } from 'vitest';
import { ensureLocalSchemaRegistry, localSchemaRegistryStatus, stopLocalSchemaRegistry } from './local-schema-registry.js';
import { REPO_ROOT } from './schema-registry.options.js';

const run = promisify(execFile);

/*
 * Every test takes its own random port; the build cache stays the default data dir's
 * (.data/schema-registry), so only the very first run pays for the Maven build.
 */
async function freePort(): Promise<number> {
  for (;;) {
    const port = 30_000 + Math.floor(Math.random() * 20_000);
    if (await isFree(port)) return port;
  }
}

function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}

const CONFLUENT_JSON = 'application/vnd.schemaregistry.v1+json';

async function call(method: string, url: string, body?: unknown): Promise<{ status: number; json: unknown }> {
  const response = await fetch(url, {
    method,
    headers: { 'content-type': CONFLUENT_JSON, accept: CONFLUENT_JSON },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, json: text ? JSON.parse(text) : undefined };
}

const jsonSchema = (schema: object) => ({ schemaType: 'JSON', schema: JSON.stringify(schema) });

const ORDER_V1 = { type: 'object', properties: { id: { type: 'string' } }, required: ['id'] };
/** Adds a new required property: old records (without `total`) no longer validate, so BACKWARD refuses it. */
const ORDER_INCOMPATIBLE = {
  type: 'object',
  properties: { id: { type: 'string' }, total: { type: 'number' } },
  required: ['id', 'total'],
};

describe('deploy/schema-registry', () => {
  it('says which port is taken and how to pick another', async () => {
    const port = await freePort();
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(port, '127.0.0.1', resolve));
    onTestFinished(() => new Promise<void>((resolve) => blocker.close(() => resolve())));
    await expect(ensureLocalSchemaRegistry({ port })).rejects.toMatchObject({
      code: 'SY_PORT_IN_USE',
      message: expect.stringContaining(`Port ${port}`),
      hint: expect.stringContaining('SCHEMA_REGISTRY_LOCAL_PORT'),
    });
  });

  it(
    'comes up idempotently, serves the Confluent API, refuses a BACKWARD-incompatible JSON Schema with 409, and goes down',
    async () => {
      const port = await freePort();
      onTestFinished(async () => void (await stopLocalSchemaRegistry({ port })));

      // The first run of all builds Apicurio with Maven (minutes); later ones start in seconds.
      const first = await ensureLocalSchemaRegistry({ port, startTimeoutMs: 120_000 });
      expect(first.started).toBe(true);
      expect(first.url).toBe(`http://127.0.0.1:${port}/apis/ccompat/v7`);
      const again = await ensureLocalSchemaRegistry({ port });
      expect(again).toMatchObject({ started: false, built: false, url: first.url });

      const subject = `orders-value-${Date.now()}`;
      const registered = await call('POST', `${first.url}/subjects/${subject}/versions`, jsonSchema(ORDER_V1));
      expect(registered.status).toBe(200);
      const { id } = registered.json as { id: number };
      expect(id).toBeGreaterThan(0);

      const version = await call('GET', `${first.url}/subjects/${subject}/versions/1`);
      expect(version.status).toBe(200);
      expect(version.json).toMatchObject({ subject, version: 1, id, schemaType: 'JSON' });
      expect(JSON.parse((version.json as { schema: string }).schema)).toEqual(ORDER_V1);
      const byId = await call('GET', `${first.url}/schemas/ids/${id}`);
      expect(JSON.parse((byId.json as { schema: string }).schema)).toEqual(ORDER_V1);
      expect((await call('GET', `${first.url}/subjects`)).json).toContain(subject);

      const config = await call('PUT', `${first.url}/config/${subject}`, { compatibility: 'BACKWARD' });
      expect(config).toEqual({ status: 200, json: { compatibility: 'BACKWARD' } });

      const refused = await call('POST', `${first.url}/subjects/${subject}/versions`, jsonSchema(ORDER_INCOMPATIBLE));
      expect(refused.status).toBe(409);
      expect(refused.json).toMatchObject({ message: expect.stringContaining('OBJECT_TYPE_REQUIRED_PROPERTIES_MEMBER_ADDED') });
      const check = await call('POST', `${first.url}/compatibility/subjects/${subject}/versions/latest`, jsonSchema(ORDER_INCOMPATIBLE));
      expect(check.json).toMatchObject({ is_compatible: false });
      expect((await call('GET', `${first.url}/subjects/${subject}/versions`)).json).toEqual([1]);

      expect(await stopLocalSchemaRegistry({ port })).toBe(true);
      const status = await localSchemaRegistryStatus({ port });
      expect(status).toMatchObject({ up: false, pid: undefined, built: true });
      await expect(fetch(`${first.url}/subjects`)).rejects.toThrow();
      expect(await stopLocalSchemaRegistry({ port })).toBe(false);
    },
    15 * 60_000,
  );

  it('prints the tail of the registry log when the JVM fails to start', async () => {
    const port = await freePort();
    onTestFinished(async () => void (await stopLocalSchemaRegistry({ port })));
    // A heap far too small for any JVM: java exits at once.
    await expect(ensureLocalSchemaRegistry({ port, heap: '1m' })).rejects.toMatchObject({
      code: 'SY_BROKER_START_FAILED',
      message: expect.stringMatching(/exited while starting[\s\S]*--- last \d+ lines of .*registry\.log ---[\s\S]*heap/i),
    });
  });

  it('CLI: status exits 3 and says how to start when nothing runs', async () => {
    const port = await freePort();
    const result = await run('npx', ['tsx', 'deploy/schema-registry/src/schema-registry.cli.ts', 'status', '--port', String(port)], {
      cwd: REPO_ROOT,
    }).catch((error: { code: number; stdout: string }) => error);
    expect('code' in result ? result.code : 0).toBe(3);
    expect(result.stdout).toContain('Schema registry is down');
  });
});
