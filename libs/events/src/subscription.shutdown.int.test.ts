import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it, vi } from 'vitest';
import { subscriptionGroup } from '@switchyard/kafka';
import { setupEvents } from '@switchyard/testing';

/** Events from this number on are sentinels: handled at once, each behind the events of its key. */
const SENTINEL = 100;

describe('subscription shutdown', () => {
  it('rolling restart: a subscription closed while its handlers run finishes and commits them before it leaves the group, so no event is handled twice', async () => {
    // Regression (issue 11): close() left the group first, so the other instance of the subscription
    // got the partitions and handled again every event the closing one still had running. The
    // handler outlasts the other member's rejoin (within its 3 s heartbeat interval): with shorter
    // handlers the old order could still commit before the partitions moved, and the test could not tell.
    const t = await setupEvents(6);
    const sub = t.sub();
    const runs = new Map<number, string[]>();
    const running = { a: new Set<number>(), b: new Set<number>() };
    const instance = (who: 'a' | 'b') => {
      const bus = t.bus();
      bus.subscribe(
        {
          id: 'slow',
          eventName: t.name('*'),
          handler: async (event) => {
            const n = (event.payload as { n: number }).n;
            runs.set(n, [...(runs.get(n) ?? []), who]);
            if (n >= SENTINEL) return;
            running[who].add(n);
            await sleep(6_000);
            running[who].delete(n);
          },
        },
        { name: sub, concurrency: 20, instanceId: `${sub}-${who}` },
      );
      return bus;
    };
    const publisher = t.bus();
    await publisher.start();
    const [a, b] = [instance('a'), instance('b')];
    await Promise.all([a.start(), b.start()]);
    // Both members hold partitions before any event exists, so no rebalance moves work mid-run but the close.
    await vi.waitFor(
      async () => {
        const group = await t.admin.describeGroup(subscriptionGroup(sub));
        expect({ state: group.state, members: group.members.length }).toEqual({ state: 'Stable', members: 2 });
      },
      { timeout: 30_000, interval: 100 },
    );
    const ns = Array.from({ length: 24 }, (_, i) => i);
    // A tenant per event: the tenant is the Kafka key, so the events spread over the six partitions (and both instances).
    await publisher.publishMany(ns.map((n) => t.event(t.name('order.placed'), { n }, { tenantId: `tenant-${n}` })));
    await vi.waitFor(() => expect({ a: running.a.size >= 3, b: running.b.size >= 3 }).toEqual({ a: true, b: true }), { timeout: 30_000, interval: 10 });
    const runningInA = [...running.a];

    await a.subscription(sub)!.close();
    expect(running.a.size).toBe(0);
    // A sentinel per key after the first events: b handles a key's events in partition order, so a
    // rerun of anything the closing instance handled would start before that key's sentinel.
    await publisher.publishMany(ns.map((n) => t.event(t.name('order.checked'), { n: SENTINEL + n }, { tenantId: `tenant-${n}` })));
    await vi.waitFor(() => expect(ns.filter((n) => !runs.has(SENTINEL + n))).toEqual([]), { timeout: 60_000, interval: 100 });
    expect(ns.map((n) => runs.get(SENTINEL + n))).toEqual(ns.map(() => ['b']));
    expect([...runs].filter(([, by]) => by.length > 1)).toEqual([]);
    expect(runningInA.map((n) => runs.get(n))).toEqual(runningInA.map(() => ['a']));
    expect([...runs.keys()].filter((n) => n < SENTINEL).sort((x, y) => x - y)).toEqual(ns);
  });
});
