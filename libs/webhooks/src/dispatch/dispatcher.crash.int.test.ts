import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it, onTestFinished, vi } from 'vitest';
import { testBrokers } from '@switchyard/testing';
import { receiver, setupDispatch } from './dispatcher.test-support.js';

const FIXTURE = fileURLToPath(new URL('./dispatcher.crash-fixture.ts', import.meta.url));
const EVENTS = 600;
const KILLS = 2;

describe('webhook dispatcher crash recovery', () => {
  it(`delivers every one of ${EVENTS} events at least once through ${KILLS} kill -9s of the dispatcher mid-delivery`, async () => {
    const t = await setupDispatch();
    // A slow receiver (each answer after 5 ms), so every kill finds deliveries in flight.
    const slow = await receiver(() => ({ status: 204, delayMs: 5 }));
    const id = t.endpointId();
    await t.registry.create({ id, eventPattern: t.name('order.created'), url: slow.url, concurrency: 8 });
    const children: ChildProcess[] = [];
    onTestFinished(() => children.forEach((c) => c.kill('SIGKILL')));
    const start = () => {
      const child = spawn(process.execPath, ['--import', 'tsx', FIXTURE], {
        env: { ...process.env, KAFKA_BROKERS: testBrokers(), CRASH_REGISTRY_TOPIC: t.registryTopic, CRASH_DELIVERIES_TOPIC: t.deliveriesTopic, LOG_LEVEL: 'warn' },
        stdio: ['ignore', 'inherit', 'inherit'],
      });
      children.push(child);
      return child;
    };
    const bus = t.bus();
    await bus.start();
    const receipts = await bus.publishMany(Array.from({ length: EVENTS }, (_, n) => t.event(t.name('order.created'), { n })));
    const distinct = () => new Set(slow.received.map((x) => x.headers['webhook-id'] as string));

    let child = start();
    for (let kill = 1; kill <= KILLS; kill++) {
      const target = Math.floor((EVENTS * kill) / (KILLS + 1));
      // Killed while the receiver holds requests: deliveries are mid-flight.
      await vi.waitFor(() => expect(distinct().size >= target && slow.inFlight > 0).toBe(true), { timeout: 120_000, interval: 1 });
      child.kill('SIGKILL');
      await new Promise((resolve) => child.once('exit', resolve));
      child = start();
    }
    await vi.waitFor(() => expect(distinct().size).toBe(EVENTS), { timeout: 180_000, interval: 250 });
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
    expect(distinct()).toEqual(new Set(receipts.map((x) => `msg_${x.id}`)));
    // Redelivered only what a kill found started and uncommitted: at most the subscription's
    // maxUncommitted (default 1000) per kill; each delivery is at least once, deduplicated by webhook-id.
    expect(slow.received.length - EVENTS).toBeLessThanOrEqual(KILLS * 1_000);
    console.log(`webhook crash test: ${EVENTS} events, ${KILLS} kills, ${slow.received.length} requests, ${slow.received.length - EVENTS} duplicates`);
  });
});
