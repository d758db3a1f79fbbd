import { spawn } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { Webhook } from 'standardwebhooks';
import { describe, expect, it, onTestFinished, vi } from 'vitest';
import { subscriptionGroup } from '@switchyard/kafka';
import { setupEvents, testBrokers, uniqueName } from '@switchyard/testing';
import { WebhookEndpointRegistry, webhookSubscriptionName } from '@switchyard/webhooks';

const MAIN = fileURLToPath(new URL('./main.ts', import.meta.url));
const WAIT = { timeout: 60_000, interval: 200 };

function spawnDispatcher(env: Record<string, string>) {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN], { env: { ...process.env, LOG_LEVEL: 'info', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  let exit: { code: number | null; signal: string | null } | undefined;
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr.on('data', (c: Buffer) => (err += c.toString()));
  child.on('exit', (code, signal) => (exit = { code, signal }));
  onTestFinished(() => void (exit ?? child.kill('SIGKILL')));
  return { child, out: () => out, err: () => err, exit: () => exit };
}

async function freePort(): Promise<number> {
  const server = http.createServer().listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('webhook dispatcher process on a real broker', () => {
  it('delivers a signed event to an endpoint registered while it runs, serves /healthz and /metrics, and exits 0 on SIGTERM', async () => {
    const t = await setupEvents();
    const received: { headers: http.IncomingHttpHeaders; body: string }[] = [];
    const server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        received.push({ headers: req.headers, body });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    onTestFinished(() => void server.close());
    const registryTopic = uniqueName('webhooks-endpoints');
    const deliveriesTopic = uniqueName('webhooks-deliveries');
    const id = `svc-${uniqueName('e').slice(-8).toLowerCase()}`;
    const registry = new WebhookEndpointRegistry(t.client, { topic: registryTopic });
    onTestFinished(async () => {
      await registry.disconnect();
      const sub = webhookSubscriptionName(id);
      t.admin.deleteAfterTest((await t.admin.listTopics()).filter((x) => x === registryTopic || x === deliveriesTopic || x.startsWith(`switchyard.subscription.${sub}.`) || x.endsWith(`.dlq.${sub}`)));
      t.admin.deleteGroupsAfterTest([subscriptionGroup(sub)]);
    });
    await registry.connect();

    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const p = spawnDispatcher({ KAFKA_BROKERS: testBrokers(), WEBHOOK_REGISTRY_TOPIC: registryTopic, WEBHOOK_DELIVERIES_TOPIC: deliveriesTopic, WEBHOOK_SSRF_ALLOW: '127.0.0.1/32', WEBHOOK_START_FROM: 'earliest', WEBHOOK_RECONCILE_INTERVAL_MS: '200', WEBHOOK_HTTP_PORT: String(port) });
    await vi.waitFor(async () => expect((await fetch(`${base}/healthz`)).status).toBe(200), WAIT);

    const { secret } = await registry.create({ id, eventPattern: t.name('order.*'), url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook` });
    await vi.waitFor(async () => expect(await (await fetch(`${base}/healthz`)).json()).toMatchObject({ ok: true, endpoints: [{ id, subscription: webhookSubscriptionName(id) }] }), WAIT);
    const bus = t.bus();
    await bus.start();
    const [receipt] = await bus.publishMany([t.event(t.name('order.created'), { n: 1 })]);
    await vi.waitFor(() => expect(received).toHaveLength(1), WAIT);
    expect(new Webhook(secret).verify(received[0]!.body, received[0]!.headers as Record<string, string>)).toMatchObject({ id: receipt!.id, data: { n: 1 } });
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toContain(`switchyard_webhook_successes_total{endpoint="${id}"} 1`);
    expect(metrics).toContain(`switchyard_webhook_breaker_state{endpoint="${id}",state="closed"} 1`);
    expect(metrics).toContain('process_cpu_user_seconds_total');

    p.child.kill('SIGTERM');
    await vi.waitFor(() => expect(p.exit()).toEqual({ code: 0, signal: null }), WAIT);
  });

  it('a bad variable: exit 2 and SY_INVALID_ENV naming it', async () => {
    const p = spawnDispatcher({ KAFKA_BROKERS: testBrokers(), WEBHOOK_CONCURRENCY: 'lots' });
    await vi.waitFor(() => expect(p.exit()).toEqual({ code: 2, signal: null }), WAIT);
    expect(p.err()).toMatch(/SY_INVALID_ENV[\s\S]*env\.WEBHOOK_CONCURRENCY: must be a whole number/);
  });
});
