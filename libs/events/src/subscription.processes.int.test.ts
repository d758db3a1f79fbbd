import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it, onTestFinished, vi } from 'vitest';
import { subscriptionGroup } from '@switchyard/kafka';
import { setupEvents, testBrokers } from '@switchyard/testing';

const FIXTURE = fileURLToPath(new URL('./subscription.process-fixture.ts', import.meta.url));
/** The subscription's rerun window (maxUncommitted), smaller than the default so the test presses on it. */
const MAX_UNCOMMITTED = 200;

function seen(file: string): { id: string; pid: string }[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8').split('\n').filter(Boolean).map((line) => {
    const [id, pid] = line.split(' ');
    return { id: id!, pid: pid! };
  });
}

describe('one subscription in two processes', () => {
  it('shares the partitions, sees every event once, and redelivers (at least once) what a killed process had not committed', async () => {
    const t = await setupEvents(4);
    const sub = t.sub();
    const out = path.join(mkdtempSync(path.join(os.tmpdir(), 'sy-events-')), 'seen.txt');
    const children: ChildProcess[] = [];
    onTestFinished(() => children.forEach((c) => c.kill('SIGKILL')));
    const start = () => {
      const child = spawn(process.execPath, ['--import', 'tsx', FIXTURE], {
        env: { ...process.env, KAFKA_BROKERS: testBrokers(), FIXTURE_DOMAIN: t.domain, FIXTURE_SUBSCRIPTION: sub, FIXTURE_OUT_FILE: out, FIXTURE_MAX_UNCOMMITTED: String(MAX_UNCOMMITTED), LOG_LEVEL: 'error' },
        stdio: ['ignore', 'inherit', 'inherit'],
      });
      children.push(child);
      return child;
    };
    const publisher = t.bus();
    await publisher.start();
    // The domain's topics exist before the subscribers start (they would create them otherwise).
    await publisher.publish(t.event(t.name('warm.up'), { n: -1 }));

    const [a, b] = [start(), start()];
    await vi.waitFor(() => expect(seen(out).filter((s) => s.id === 'ready')).toHaveLength(2), { timeout: 90_000, interval: 200 });
    await vi.waitFor(async () => {
      const group = await t.admin.describeGroup(subscriptionGroup(sub));
      expect(group.state).toBe('Stable');
      expect(group.members).toHaveLength(2);
    }, { timeout: 60_000, interval: 250 });
    await vi.waitFor(() => expect(seen(out).filter((s) => s.id !== 'ready')).toHaveLength(1), { timeout: 30_000, interval: 100 });

    // Phase 1: both running, no failure: every event exactly once, spread over both processes.
    const first = await publisher.publishMany(Array.from({ length: 800 }, (_, i) => t.event(t.name('order.placed'), { n: i }, { tenantId: `tenant-${i % 40}` })));
    const firstIds = new Set(first.map((r) => r.id));
    await vi.waitFor(() => expect(seen(out).filter((s) => firstIds.has(s.id))).toHaveLength(800), { timeout: 60_000, interval: 200 });
    const phase1 = seen(out).filter((s) => firstIds.has(s.id));
    expect(new Set(phase1.map((s) => s.id)).size).toBe(800);
    const byPid = new Map<string, number>();
    for (const s of phase1) byPid.set(s.pid, (byPid.get(s.pid) ?? 0) + 1);
    expect([...byPid.keys()].sort()).toEqual([String(a!.pid), String(b!.pid)].sort());
    expect(Math.min(...byPid.values())).toBeGreaterThan(0);

    // Phase 2: kill one process mid-stream; the other takes its partitions over.
    const second = await publisher.publishMany(Array.from({ length: 4_000 }, (_, i) => t.event(t.name('order.paid'), { n: i }, { tenantId: `tenant-${i % 40}` })));
    const secondIds = new Set(second.map((r) => r.id));
    await vi.waitFor(() => expect(seen(out).filter((s) => secondIds.has(s.id) && s.pid === String(a!.pid)).length).toBeGreaterThan(300), { timeout: 60_000, interval: 50 });
    a!.kill('SIGKILL');
    await vi.waitFor(() => expect(new Set(seen(out).filter((s) => secondIds.has(s.id)).map((s) => s.id)).size).toBe(4_000), { timeout: 120_000, interval: 250 });
    const phase2 = seen(out).filter((s) => secondIds.has(s.id));
    const duplicates = phase2.length - 4_000;
    console.log(`two processes: phase 1 split ${[...byPid.values()].join('/')}; phase 2: 4000 events, ${phase2.length} executions, ${duplicates} redelivered after SIGKILL`);
    // Redelivered: what the killed process had started and not committed, which its rerun window
    // keeps below maxUncommitted. The survivor keeps the trackers of the partitions it keeps across
    // the rebalance, so it reruns none of its own.
    expect(duplicates).toBeLessThanOrEqual(MAX_UNCOMMITTED);
    b!.kill('SIGTERM');
    await new Promise((resolve) => b!.once('exit', resolve));
  });
});
