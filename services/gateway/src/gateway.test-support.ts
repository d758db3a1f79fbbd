/**
 * Test support of the gateway's integration tests (not part of the service): a GatewayService on
 * port 0 over a fresh queue, event domain and keys topic of the test broker, an admin key, a way
 * to create tenant keys, and a local JWKS issuer. Everything it made is deleted by close().
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type JWK } from 'jose';
import { z } from 'zod';
import { createLogger, ensureTopology, eventTopics, planQueueTopology } from '@switchyard/kafka';
import { HttpServerConfigSchema, RestServerConfigSchema, type RestServerConfigInput } from '@switchyard/protocol';
import { testClient, uniqueName } from '@switchyard/testing';
import type { Scope } from './auth/credential.js';
import { GatewayService } from './gateway-service.js';
import type { TypeRegistry } from './resources/type-definitions.js';

export interface TestJwks {
  readonly url: string;
  sign(claims: Record<string, unknown>, options?: { expiresIn?: string; issuer?: string }): Promise<string>;
  close(): Promise<void>;
}

/** A JWKS served over HTTP on 127.0.0.1 (port 0) and a signer with its private key. */
export async function startTestJwks(issuer: string): Promise<TestJwks> {
  const { publicKey, privateKey } = await generateKeyPair('RS256');
  const jwk: JWK = { ...(await exportJWK(publicKey)), kid: 'test-1', alg: 'RS256', use: 'sig' };
  const server: Server = createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [jwk] })));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/.well-known/jwks.json`,
    sign: (claims, options = {}) =>
      new SignJWT(claims)
        .setProtectedHeader({ alg: 'RS256', kid: 'test-1' })
        .setIssuer(options.issuer ?? issuer)
        .setSubject(String(claims.sub ?? 'user-1'))
        .setIssuedAt()
        .setExpirationTime(options.expiresIn ?? '5m')
        .sign(privateKey),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export interface TestGateway {
  readonly url: string;
  readonly api: string;
  readonly adminKey: string;
  readonly queue: string;
  readonly eventName: string;
  readonly jwks: TestJwks;
  readonly service: GatewayService;
  /** A new API key of `tenant` with `scopes` (made through the admin route). */
  key(tenant: string | undefined, scopes: readonly Scope[]): Promise<string>;
  /** fetch on the gateway: JSON body in, `{status, headers, body}` out (`body` is untyped: tests assert its shape with toMatchObject). */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- response JSON of many shapes, asserted by the tests
  call(method: string, path: string, options?: { key?: string; body?: unknown; raw?: string; headers?: Record<string, string> }): Promise<{ status: number; headers: Headers; body: any }>;
  close(): Promise<void>;
}

const ISSUER = 'https://issuer.test';

export async function startTestGateway(options: { bodyLimit?: string; rateLimitMax?: number; rest?: RestServerConfigInput } = {}): Promise<TestGateway> {
  const client = testClient('gateway-test');
  const log = createLogger('gateway-test', { level: process.env.LOG_LEVEL ?? 'warn' });
  const queue = uniqueName('gw').replace(/[^a-z0-9_-]/g, '');
  const domain = `gw${uniqueName('d').replace(/[^a-z0-9]/g, '')}`;
  const eventName = `${domain}.greeted`;
  const keysTopic = `switchyard.test.${uniqueName('api-keys')}`;
  const admin = client.admin();
  await admin.connect();
  await ensureTopology(admin, { name: queue }, { partitions: 3 });
  const types: TypeRegistry = {
    taskTypes: [
      { type: 'send_email', queue, payload: z.strictObject({ to: z.email(), subject: z.string().min(1).max(200) }) },
      { type: 'resize_image', queue, payload: z.strictObject({ url: z.url(), width: z.number().int().min(1).max(10_000) }) },
    ],
    eventTypes: [{ name: eventName, version: '1.0.0', payload: z.strictObject({ greeting: z.string().min(1).max(100) }) }],
  };
  const jwks = await startTestJwks(ISSUER);
  const adminKey = `admin-${uniqueName('key')}-${uniqueName('x')}`;
  const service = new GatewayService({
    client,
    log,
    rest: RestServerConfigSchema.parse(options.rest ?? {}),
    http: HttpServerConfigSchema.parse({ host: '127.0.0.1', port: 0, bodyLimit: options.bodyLimit ?? '64kb', security: { rateLimit: { max: options.rateLimitMax ?? 100_000 } } }),
    types,
    adminKey,
    apiKeysTopic: keysTopic,
    jwt: { jwksUrl: jwks.url, issuer: ISSUER },
  });
  const url = await service.start();
  const api = `${url}/api/v1`;
  const call: TestGateway['call'] = async (method, path, o = {}) => {
    const headers: Record<string, string> = { ...(o.key ? { authorization: `Bearer ${o.key}` } : {}), ...(o.body !== undefined || o.raw !== undefined ? { 'content-type': 'application/json' } : {}), ...o.headers };
    const response = await fetch(path.startsWith('http') ? path : `${api}${path}`, { method, headers, ...(o.raw !== undefined ? { body: o.raw } : o.body !== undefined ? { body: JSON.stringify(o.body) } : {}) });
    const text = await response.text();
    return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : undefined };
  };
  return {
    url,
    api,
    adminKey,
    queue,
    eventName,
    jwks,
    service,
    call,
    key: async (tenant, scopes) => {
      const { status, body } = await call('POST', '/admin/api-keys', { key: adminKey, body: { scopes, ...(tenant ? { tenant } : {}) } });
      if (status !== 201) throw new Error(`creating a key failed: ${status} ${JSON.stringify(body)}`);
      return body.data.key as string;
    },
    close: async () => {
      try {
        await service.stop();
        await jwks.close();
        const existing = new Set(await admin.listTopics());
        const mine = [...planQueueTopology({ name: queue }, { partitions: 3 }).map((s) => s.topic), ...eventTopics(domain), keysTopic].filter((t) => existing.has(t));
        if (mine.length > 0) await admin.deleteTopics(mine);
      } finally {
        await admin.disconnect();
      }
    },
  };
}
