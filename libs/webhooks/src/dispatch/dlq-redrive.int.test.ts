import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it, vi } from 'vitest';
import { testBrokers } from '@switchyard/testing';
import { queryDeliveryLog } from './delivery-log.js';
import { receiver, setupDispatch } from './dispatcher.test-support.js';
import { webhookSubscriptionName } from './subscription-name.js';

const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const CLI = fileURLToPath(new URL('../../../../node_modules/.bin/switchyard', import.meta.url));
const WAIT = { timeout: 60_000, interval: 100 };

function switchyard(args: readonly string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(CLI, args, { cwd: REPO_ROOT, env: { ...process.env, KAFKA_BROKERS: testBrokers(), LOG_LEVEL: 'error' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, stdout, stderr })));
}

describe("an endpoint's dead letters through `switchyard dlq` (real broker, the installed CLI)", () => {
  it('lists them and redrives them to the endpoint, with the same webhook-id', async () => {
    const t = await setupDispatch();
    let failing = true;
    const r = await receiver(() => ({ status: failing ? 500 : 204 }));
    const id = t.endpointId();
    await t.registry.create({ id, eventPattern: t.name('order.created'), url: r.url, retryPolicy: { maxRetries: 1, backoffStrategy: 'fixed', initialDelayMs: 10, maxDelayMs: 10 } });
    await t.dispatcher().start();
    const bus = t.bus();
    await bus.start();
    const [receipt] = await bus.publishMany([t.event(t.name('order.created'), { n: 1 })]);
    const sub = webhookSubscriptionName(id);
    await vi.waitFor(async () => expect((await bus.deadLetters(sub)).entries).toHaveLength(1), WAIT);

    const listed = await switchyard(['dlq', 'list', '--subscription', sub, '--json']);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toContain(receipt!.id);
    expect(listed.stdout).toContain('SY_WEBHOOK_DELIVERY_FAILED');

    failing = false;
    const redriven = await switchyard(['dlq', 'redrive', '--subscription', sub, '--yes', '--json']);
    expect(redriven.code).toBe(0);
    await vi.waitFor(() => expect(r.received).toHaveLength(3), WAIT);
    expect(r.received.map((x) => x.headers['webhook-id'])).toEqual(Array(3).fill(`msg_${receipt!.id}`));
    await vi.waitFor(async () => expect((await queryDeliveryLog(t.client, { eventId: receipt!.id }, t.deliveriesTopic)).map((x) => x.outcome)).toEqual(['failed', 'failed', 'succeeded']), WAIT);
  });
});
