import { describe, expect, it, vi } from 'vitest';
import { eventLaneTopic, SCHEDULER_HEADERS } from '@switchyard/kafka';
import { EventCodec, EventMetrics, EventPublisher, EventTopologyOptionsSchema, EventTypeCatalog, planDomainTopics } from '@switchyard/events';
import { collectTopics, uniqueName } from '@switchyard/testing';
import { setupScheduler } from '../scheduler.test-support.js';

describe('scheduler firing events (real broker)', () => {
  it('publishes a CloudEvent per tick through the event bus publisher, inside the firing transaction', async () => {
    const s = await setupScheduler(1);
    const domain = uniqueName('sched').replace(/-/g, '');
    const topology = EventTopologyOptionsSchema.parse({ partitions: 1 });
    s.admin.deleteAfterTest(planDomainTopics(domain, topology).map((t) => t.topic));
    const events = new EventPublisher({ client: s.client, codec: new EventCodec(new EventTypeCatalog()), topology, metrics: new EventMetrics() });
    await events.connect();
    await events.ensureDomains([domain]);
    const lane = await collectTopics(s.client, [eventLaneTopic(domain, 'normal')]);
    await s.startScheduler({}, { events });
    await s.store.create({ id: 'report', name: 'report', handler: 'report_due', schedule: { type: 'interval', intervalMs: 500 }, target: { kind: 'event', name: `${domain}.report_due`, payload: { kind: 'daily' }, tenant: 'acme' } });
    await vi.waitFor(() => expect(lane.records.length).toBeGreaterThanOrEqual(3), { timeout: 60_000, interval: 100 });
    await s.store.pause('report');
    const ticks = lane.records.map((r) => Date.parse(r.headers[SCHEDULER_HEADERS.tick]!.toString()));
    ticks.forEach((t, i) => expect(t).toBe(ticks[0]! + i * 500));
    expect(lane.records[0]!.headers.ce_type?.toString()).toBe(`${domain}.report_due`);
    expect(JSON.parse(lane.records[0]!.value!.toString())).toEqual({ kind: 'daily' });
    const log = await s.store.log('report');
    expect(log.length).toBeGreaterThanOrEqual(3);
    expect(log.every((e) => e.status === 'success')).toBe(true);
    await events.disconnect();
  });
});
