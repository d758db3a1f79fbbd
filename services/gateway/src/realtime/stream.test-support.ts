/**
 * Test support of the stream tests (not part of the service): gateways over one queue, one event
 * domain and one keys topic of the test broker, so a second instance (or a restarted one) serves
 * the same topics and the same API keys; an SSE client (`eventsource`) that records its messages;
 * and cleanup of everything made.
 */
import { EventSource } from 'eventsource';
import { z } from 'zod';
import { createLogger, ensureTopology, eventTopics, planQueueTopology } from '@switchyard/kafka';
import { HttpServerConfigSchema, RestServerConfigSchema } from '@switchyard/protocol';
import type { RealtimeOptionsInput } from '@switchyard/realtime';
import { testClient, uniqueName } from '@switchyard/testing';
import type { Scope } from '../auth/credential.js';
import { startTestJwks, type TestJwks } from '../gateway.test-support.js';
import { GatewayService } from '../gateway-service.js';
import type { TypeRegistry } from '../resources/type-definitions.js';

const ISSUER = 'https://issuer.test';

export interface StreamTopics {
  readonly queue: string;
  readonly domain: string;
  readonly keysTopic: string;
  readonly adminKey: string;
  readonly jwks: TestJwks;
  readonly types: TypeRegistry;
  /** Deletes the topics. */
  cleanup(): Promise<void>;
}

/** A fresh queue (3 partitions), event domain and keys topic, and a JWKS issuer. */
export async function streamTopics(): Promise<StreamTopics> {
  const client = testClient('stream-test');
  const queue = uniqueName('rt').replace(/[^a-z0-9_-]/g, '');
  const domain = `rt${uniqueName('d').replace(/[^a-z0-9]/g, '')}`;
  const keysTopic = `switchyard.test.${uniqueName('api-keys')}`;
  const admin = client.admin();
  await admin.connect();
  await ensureTopology(admin, { name: queue }, { partitions: 3 });
  const jwks = await startTestJwks(ISSUER);
  const types: TypeRegistry = {
    taskTypes: [{ type: 'send_email', queue, payload: z.strictObject({ to: z.email(), subject: z.string().min(1).max(200) }) }],
    eventTypes: [
      { name: `${domain}.greeted`, version: '1.0.0', payload: z.strictObject({ n: z.number().int(), who: z.string().max(100) }) },
      { name: `${domain}.bulk`, version: '1.0.0', payload: z.strictObject({ n: z.number().int(), text: z.string().max(100_000) }) },
    ],
  };
  return {
    queue,
    domain,
    keysTopic,
    adminKey: `admin-${uniqueName('key')}-${uniqueName('x')}`,
    jwks,
    types,
    cleanup: async () => {
      try {
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

export interface StreamGateway {
  readonly url: string;
  readonly api: string;
  readonly service: GatewayService;
  /** fetch on the gateway with a JSON body; `body` is untyped (asserted by the tests). */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- response JSON of many shapes
  call(method: string, path: string, options?: { key?: string; body?: unknown }): Promise<{ status: number; body: any }>;
  /** A new API key of `tenant` with `scopes`. */
  key(tenant: string | undefined, scopes: readonly Scope[]): Promise<string>;
  stop(): Promise<void>;
}

/** A gateway on port 0 over the topics. */
export async function startStreamGateway(topics: StreamTopics, realtime: RealtimeOptionsInput = {}): Promise<StreamGateway> {
  const service = new GatewayService({
    client: testClient('stream-gateway'),
    log: createLogger('stream-test', { level: process.env.LOG_LEVEL ?? 'warn' }),
    rest: RestServerConfigSchema.parse({}),
    http: HttpServerConfigSchema.parse({ host: '127.0.0.1', port: 0, bodyLimit: '4mb', security: { rateLimit: { max: 1_000_000 } } }),
    types: topics.types,
    adminKey: topics.adminKey,
    apiKeysTopic: topics.keysTopic,
    jwt: { jwksUrl: topics.jwks.url, issuer: ISSUER },
    realtime,
  });
  const url = await service.start();
  const api = `${url}/api/v1`;
  const call: StreamGateway['call'] = async (method, path, o = {}) => {
    const response = await fetch(`${api}${path}`, { method, headers: { ...(o.key ? { authorization: `Bearer ${o.key}` } : {}), ...(o.body !== undefined ? { 'content-type': 'application/json' } : {}) }, ...(o.body !== undefined ? { body: JSON.stringify(o.body) } : {}) });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : undefined };
  };
  return {
    url,
    api,
    service,
    call,
    key: async (tenant, scopes) => {
      const { status, body } = await call('POST', '/admin/api-keys', { key: topics.adminKey, body: { scopes, ...(tenant ? { tenant } : {}) } });
      if (status !== 201) throw new Error(`creating a key failed: ${status} ${JSON.stringify(body)}`);
      return body.data.key as string;
    },
    stop: () => service.stop(),
  };
}

export interface StreamMessageSeen {
  readonly type: string;
  readonly id: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- message JSON, asserted by the tests
  readonly data: any;
}

export interface SseClient {
  readonly messages: StreamMessageSeen[];
  /** The event messages' payload `n`, in arrival order. */
  ns(): number[];
  readonly source: EventSource;
  close(): void;
}

/** An EventSource on the stream, with the credential in the Authorization header (and Last-Event-ID when given). */
export function openSse(api: string, key: string, query: string, lastEventId?: string): SseClient {
  const messages: StreamMessageSeen[] = [];
  const source = new EventSource(`${api}/stream?${query}`, {
    fetch: (input, init) => fetch(input, { ...init, headers: { ...(init.headers as Record<string, string>), authorization: `Bearer ${key}`, ...(lastEventId ? { 'last-event-id': lastEventId } : {}) } }),
  });
  for (const type of ['ready', 'event', 'task.status', 'dropped', 'gap']) {
    source.addEventListener(type, (e) => void messages.push({ type, id: e.lastEventId, data: JSON.parse(e.data) }));
  }
  return {
    messages,
    source,
    ns: () => messages.filter((m) => m.type === 'event').map((m) => m.data.payload.n as number),
    close: () => source.close(),
  };
}
