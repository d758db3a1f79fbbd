import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it, onTestFinished } from 'vitest';
import { Webhook } from 'standardwebhooks';
import { EventWebhookConfigSchema, type EventWebhookConfigInput } from '@switchyard/protocol';
import { generateWebhookSecret } from '../signing/webhook-secret.js';
import { SsrfGuard, type HostLookup } from '../ssrf/ssrf-guard.js';
import { WebhookDeliverer, type DeliveryRequest } from './delivery-attempt.js';
import { planAfterAttempt } from './retry-plan.js';

interface Received {
  readonly method: string;
  readonly url: string;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: string;
}

interface Receiver {
  readonly port: number;
  readonly url: string;
  readonly received: Received[];
}

const servers: http.Server[] = [];

/** A real HTTP receiver on 127.0.0.1 that records what it gets and answers with `respond`. */
async function receiver(respond: (req: http.IncomingMessage, res: http.ServerResponse, body: string) => void): Promise<Receiver> {
  const received: Received[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      received.push({ method: req.method!, url: req.url!, headers: req.headers, body });
      respond(req, res, body);
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { port, url: `http://127.0.0.1:${port}/hook`, received };
}

afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});

const allowLoopback = new SsrfGuard({ allow: ['127.0.0.1/32'] });
const deliverer = new WebhookDeliverer({ guard: allowLoopback });
const secret = generateWebhookSecret();
const body = JSON.stringify({ type: 'order.paid', data: { id: 'o-1', total: 42 } });

function request(url: string, overrides: Omit<Partial<DeliveryRequest>, 'endpoint'> & { endpoint?: Partial<EventWebhookConfigInput> } = {}): DeliveryRequest {
  const { endpoint, ...rest } = overrides;
  return { endpoint: EventWebhookConfigSchema.parse({ eventPattern: 'order.*', url, ...endpoint }), secrets: [secret], messageId: 'msg_evt-1', body, attempt: 1, ...rest };
}

const policy = { maxRetries: 3, backoffStrategy: 'exponential' as const, initialDelayMs: 1000, maxDelayMs: 60000 };

describe('WebhookDeliverer against real receivers on 127.0.0.1 (allow-listed)', () => {
  it('2xx: delivered, signed (verified by standardwebhooks), with method, headers and content type', async () => {
    const rx = await receiver((_req, res) => res.writeHead(204).end());
    const result = await deliverer.attempt(request(`${rx.url}?tenant=t1`, { endpoint: { method: 'PUT', headers: { 'X-Custom': 'yes' } } }));
    expect(result).toMatchObject({ outcome: 'succeeded', statusCode: 204, address: '127.0.0.1', attempt: 1, messageId: 'msg_evt-1' });
    expect(result.error).toBeUndefined();
    expect(rx.received).toHaveLength(1);
    const got = rx.received[0]!;
    expect(got).toMatchObject({ method: 'PUT', url: '/hook?tenant=t1', body });
    expect(got.headers).toMatchObject({ 'x-custom': 'yes', 'content-type': 'application/json', 'webhook-id': 'msg_evt-1', host: `127.0.0.1:${rx.port}` });
    expect(new Webhook(secret).verify(got.body, got.headers as Record<string, string>)).toEqual(JSON.parse(body));
    expect(planAfterAttempt(result, policy)).toEqual({ action: 'done' });
  });

  it.each([
    ['bearer', { token: 't0ken' }, 'authorization', 'Bearer t0ken'],
    ['basic', { username: 'ann', password: 'pw:1' }, 'authorization', `Basic ${Buffer.from('ann:pw:1').toString('base64')}`],
    ['api-key', { key: 'k-123' }, 'x-api-key', 'k-123'],
    ['api-key', { key: 'k-456', header: 'X-Hook-Key' }, 'x-hook-key', 'k-456'],
  ] as const)('authentication %s sends its credential', async (type, credentials, header, value) => {
    const rx = await receiver((_req, res) => res.writeHead(200).end('ok'));
    const result = await deliverer.attempt(request(rx.url, { endpoint: { authentication: { type, credentials } } }));
    expect(result.outcome).toBe('succeeded');
    expect(rx.received[0]!.headers[header]).toBe(value);
  });

  it('GET sends no body and signs the empty body', async () => {
    const rx = await receiver((_req, res) => res.writeHead(200).end());
    expect((await deliverer.attempt(request(rx.url, { endpoint: { method: 'GET' } }))).outcome).toBe('succeeded');
    const got = rx.received[0]!;
    expect(got.body).toBe('');
    expect(() => new Webhook(secret).verify('', got.headers as Record<string, string>)).not.toThrow();
  });

  it('500: a retriable failure with the response snippet, retried with backoff', async () => {
    const rx = await receiver((_req, res) => res.writeHead(500, { 'content-type': 'text/plain' }).end('database down'));
    const result = await deliverer.attempt(request(rx.url));
    expect(result).toMatchObject({ outcome: 'failed', statusCode: 500, responseSnippet: 'database down', error: { code: 'SY_WEBHOOK_DELIVERY_FAILED', retriable: true } });
    expect(planAfterAttempt(result, policy, () => 0.5)).toEqual({ action: 'retry', delayMs: 500, reason: 'backoff' });
    expect(planAfterAttempt({ ...result, attempt: 4 }, policy)).toEqual({ action: 'dead', reason: 'exhausted' });
  });

  it('410: the endpoint is to be disabled', async () => {
    const rx = await receiver((_req, res) => res.writeHead(410).end('gone'));
    const result = await deliverer.attempt(request(rx.url));
    expect(result).toMatchObject({ outcome: 'gone', statusCode: 410, error: { code: 'SY_WEBHOOK_ENDPOINT_GONE', retriable: false } });
    expect(planAfterAttempt(result, policy)).toEqual({ action: 'disable' });
  });

  it('429 with Retry-After in seconds: the next attempt waits that long', async () => {
    const rx = await receiver((_req, res) => res.writeHead(429, { 'retry-after': '7' }).end());
    const result = await deliverer.attempt(request(rx.url));
    expect(result).toMatchObject({ outcome: 'throttled', statusCode: 429, retryAfterMs: 7000, error: { code: 'SY_WEBHOOK_THROTTLED' } });
    expect(planAfterAttempt(result, policy)).toEqual({ action: 'retry', delayMs: 7000, reason: 'retry-after' });
  });

  it('503 with an HTTP-date Retry-After: the wait until that date; a huge one is capped', async () => {
    const fixedNow = Date.now();
    const at = new Date(fixedNow + 30_000);
    const rx = await receiver((req, res) => res.writeHead(503, { 'retry-after': req.url === '/far' ? new Date(fixedNow + 86_400_000).toUTCString() : at.toUTCString() }).end());
    const clocked = new WebhookDeliverer({ guard: allowLoopback, now: () => fixedNow, retryAfterCapMs: 3_600_000 });
    const result = await clocked.attempt(request(rx.url));
    expect(result).toMatchObject({ outcome: 'throttled', statusCode: 503, retryAfterMs: Math.floor(at.getTime() / 1000) * 1000 - fixedNow });
    expect((await clocked.attempt(request(`http://127.0.0.1:${rx.port}/far`))).retryAfterMs).toBe(3_600_000);
  });

  it('a receiver that accepts and never answers: timeout after timeoutMs', async () => {
    const rx = await receiver(() => undefined);
    const result = await deliverer.attempt(request(rx.url, { endpoint: { timeoutMs: 300 } }));
    expect(result).toMatchObject({ outcome: 'timeout', error: { code: 'SY_WEBHOOK_TIMEOUT', retriable: true } });
    expect(rx.received).toHaveLength(1);
    expect(planAfterAttempt(result, policy, () => 1).action).toBe('retry');
  });

  it('a receiver that sends headers and then stalls the body: timeout (the whole attempt is bounded)', async () => {
    const rx = await receiver((_req, res) => {
      res.writeHead(200, { 'content-length': '100' });
      res.write('partial');
    });
    const result = await deliverer.attempt(request(rx.url, { endpoint: { timeoutMs: 300 } }));
    expect(result.outcome).toBe('timeout');
  });

  it('a redirect is not followed: a failure with the Location recorded', async () => {
    const target = await receiver((_req, res) => res.writeHead(200).end());
    const rx = await receiver((_req, res) => res.writeHead(302, { location: target.url }).end());
    const result = await deliverer.attempt(request(rx.url));
    expect(result).toMatchObject({ outcome: 'failed', statusCode: 302, location: target.url, error: { code: 'SY_WEBHOOK_DELIVERY_FAILED' } });
    expect(target.received).toHaveLength(0);
  });

  it('a huge response is read up to maxResponseBytes; the snippet keeps snippetBytes', async () => {
    const rx = await receiver((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end(Buffer.alloc(8 * 1024 * 1024, 'a'));
    });
    const result = await deliverer.attempt(request(rx.url));
    expect(result).toMatchObject({ outcome: 'succeeded', statusCode: 200, responseTruncated: true });
    expect(result.responseSnippet).toBe('a'.repeat(1024));
  });

  it('a closed port: a retriable connection failure', async () => {
    const rx = await receiver(() => undefined);
    const closed = servers.pop()!;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const result = await deliverer.attempt(request(rx.url));
    expect(result).toMatchObject({ outcome: 'failed', error: { code: 'SY_WEBHOOK_DELIVERY_FAILED', retriable: true } });
    expect(result.error!.message).toContain('ECONNREFUSED');
  });

  it('without the allow-list loopback is refused and nothing reaches the receiver; refused is dead at once', async () => {
    const rx = await receiver((_req, res) => res.writeHead(200).end());
    const guarded = new WebhookDeliverer({ guard: new SsrfGuard() });
    const result = await guarded.attempt(request(rx.url));
    expect(result).toMatchObject({ outcome: 'refused', error: { code: 'SY_WEBHOOK_ADDRESS_REFUSED', retriable: false } });
    expect(result.statusCode).toBeUndefined();
    expect(rx.received).toHaveLength(0);
    expect(planAfterAttempt(result, policy)).toEqual({ action: 'dead', reason: 'not-retriable' });
  });
});

describe('WebhookDeliverer: DNS names through an injected resolver', () => {
  it.each([
    ['internal.example', ['10.0.0.1'], 'private'],
    ['mapped.example', ['::ffff:127.0.0.1'], 'loopback'],
  ])('%s resolving to %s is refused as %s before any connection', async (host, answer, addressClass) => {
    const lookup: HostLookup = async () => answer.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
    const result = await new WebhookDeliverer({ guard: new SsrfGuard({}, lookup) }).attempt(request(`http://${host}:9/hook`));
    expect(result).toMatchObject({ outcome: 'refused', error: { code: 'SY_WEBHOOK_ADDRESS_REFUSED' } });
    expect(result.error!.message).toContain(`a ${addressClass} address`);
  });

  it('with a keep-alive agent the connection is pinned too, and every attempt is checked again', async () => {
    const rx = await receiver((_req, res) => res.writeHead(200).end('pooled'));
    const answers = ['127.0.0.1', '127.0.0.1', '10.0.0.1'];
    let lookups = 0;
    const rebinding: HostLookup = async () => [{ address: answers[Math.min(lookups++, 2)]!, family: 4 }];
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    onTestFinished(() => agent.destroy());
    const pooled = new WebhookDeliverer({ guard: new SsrfGuard({ allow: ['127.0.0.1'] }, rebinding), agent });
    const url = `http://rebind.example:${rx.port}/hook`;
    expect((await pooled.attempt(request(url))).outcome).toBe('succeeded');
    expect((await pooled.attempt(request(url, { attempt: 2 }))).outcome).toBe('succeeded');
    expect(await pooled.attempt(request(url, { attempt: 3 }))).toMatchObject({ outcome: 'refused', error: { code: 'SY_WEBHOOK_ADDRESS_REFUSED' } });
    expect(lookups).toBe(3);
    expect(rx.received).toHaveLength(2);
  });

  it('a resolver that never answers: timeout (timeoutMs covers the DNS step too)', async () => {
    const stuck: HostLookup = () => new Promise(() => undefined);
    const result = await new WebhookDeliverer({ guard: new SsrfGuard({}, stuck) }).attempt(request('http://stuck.example/hook', { endpoint: { timeoutMs: 200 } }));
    expect(result).toMatchObject({ outcome: 'timeout', error: { code: 'SY_WEBHOOK_TIMEOUT' } });
    expect(result.address).toBeUndefined();
  });

  it('a rebind (allowed address first, another one after) cannot move the connection: it goes to the checked address', async () => {
    const rx = await receiver((_req, res) => res.writeHead(200).end('pinned'));
    const answers = ['127.0.0.1', '10.0.0.1'];
    let lookups = 0;
    const rebinding: HostLookup = async () => [{ address: answers[Math.min(lookups++, 1)]!, family: 4 }];
    const pinned = new WebhookDeliverer({ guard: new SsrfGuard({ allow: ['127.0.0.1'] }, rebinding) });
    const result = await pinned.attempt(request(`http://rebind.example:${rx.port}/hook`));
    expect(result).toMatchObject({ outcome: 'succeeded', address: '127.0.0.1', responseSnippet: 'pinned' });
    expect(lookups).toBe(1);
    expect(rx.received[0]!.headers.host).toBe(`rebind.example:${rx.port}`);
    // The next attempt resolves again and meets the private answer: refused, nothing sent.
    const second = await pinned.attempt(request(`http://rebind.example:${rx.port}/hook`, { attempt: 2 }));
    expect(second).toMatchObject({ outcome: 'refused', error: { code: 'SY_WEBHOOK_ADDRESS_REFUSED' } });
    expect(rx.received).toHaveLength(1);
  });
});
