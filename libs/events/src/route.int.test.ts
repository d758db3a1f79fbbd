import { describe, expect, it, vi } from 'vitest';
import { decodeDeadLetter, decodeEventRecord, eventDlqTopic, eventLaneTopic } from '@switchyard/kafka';
import { collectTopics, setupEvents } from '@switchyard/testing';

describe('routes', () => {
  it('publish each matching event under the target names exactly once, across a restart of the route, with causation and correlation', async () => {
    const t = await setupEvents(2);
    const routeId = t.sub('r');
    const source = t.bus();
    await source.start();
    const first = await source.publishMany(Array.from({ length: 300 }, (_, i) => t.event(t.name(i % 2 ? 'user.created' : 'user.deleted'), { n: i }, { tenantId: `t${i % 5}`, ...(i === 7 ? { correlationId: 'corr-7' } : {}) })));
    await source.publish(t.event(t.name('order.created'), { n: -1 }));
    await source.publish(t.event(t.name('user.created'), { n: -2 }, { priority: 'high' }));
    // Routed events share the domain's topics with their sources: keep the audit ones.
    const all = await collectTopics(t.client, [eventLaneTopic(t.domain, 'normal'), eventLaneTopic(t.domain, 'high')]);
    const audit = { get records() { return all.records.filter((r) => r.headers.ce_type?.toString() === t.name('audit.logged')); } };

    const routeBus = () => {
      const bus = t.bus();
      bus.route({ id: routeId, from: t.name('user.*'), to: [t.name('audit.logged')], transform: (e) => ({ what: e.name, n: (e.payload as { n: number }).n }) });
      return bus;
    };
    const r1 = routeBus();
    await r1.start();
    await vi.waitFor(() => expect(audit.records.length).toBeGreaterThan(50), { timeout: 30_000, interval: 50 });
    await r1.close();
    const second = await source.publishMany(Array.from({ length: 200 }, (_, i) => t.event(t.name('user.created'), { n: 300 + i }, { priority: 'high' })));
    const r2 = routeBus();
    await r2.start();
    await vi.waitFor(() => expect(audit.records).toHaveLength(501), { timeout: 60_000, interval: 100 });

    const routed = audit.records.map((r) => {
      const d = decodeEventRecord(r);
      if (!d.ok) throw new Error(d.reason);
      return { attributes: d.attributes, payload: JSON.parse(r.value!.toString()) as { what: string; n: number } };
    });
    expect(new Set(routed.map((r) => r.payload.n)).size).toBe(501);
    const sourceIds = new Map([...first, ...second].map((r, i) => [r.id, i]));
    for (const r of routed.filter((x) => x.payload.n >= 0)) {
      expect(r.attributes.name).toBe(t.name('audit.logged'));
      expect(r.attributes.source).toBe(`switchyard.route.${routeId}`);
      expect(sourceIds.get(r.attributes.causationId!)).toBe(r.payload.n);
    }
    expect(routed.find((r) => r.payload.n === 7)!.attributes.correlationId).toBe('corr-7');
    expect(routed.find((r) => r.payload.n === 8)!.attributes.correlationId).toBe([...sourceIds.keys()][8]);
    expect(routed.filter((r) => r.attributes.priority === 'high')).toHaveLength(201);
  });

  it('dead-letters an event its transform cannot handle and routes the rest', async () => {
    const t = await setupEvents(1);
    const routeId = t.sub('r');
    const bus = t.bus();
    bus.route({ id: routeId, from: t.name('in.*'), to: [t.name('out.one'), t.name('out.two')], transform: (e) => {
      if ((e.payload as { n: number }).n === 3) throw new Error('cannot route 3');
      return e.payload;
    } });
    await bus.start();
    const all = await collectTopics(t.client, [eventLaneTopic(t.name('out.x'), 'normal')]);
    const out = { get records() { return all.records.filter((r) => r.headers.ce_type?.toString().includes('.out.')); } };
    const dlq = await collectTopics(t.client, [eventDlqTopic(t.domain, `route-${routeId}`)]);
    await bus.publishMany(Array.from({ length: 6 }, (_, i) => t.event(t.name('in.put'), { n: i })));
    await vi.waitFor(() => expect(out.records).toHaveLength(10), { timeout: 30_000, interval: 100 });
    await vi.waitFor(() => expect(dlq.records).toHaveLength(1), { timeout: 30_000, interval: 100 });
    expect(decodeDeadLetter(dlq.records[0]!)).toMatchObject({ failedHandler: `route:${routeId}`, error: { message: 'cannot route 3' } });
  });
});
