import { describe, expect, it, vi } from 'vitest';
import { UnrecoverableError } from '@switchyard/protocol';
import { decodeEventRecord, eventDlqTopic, eventLaneTopic, type IncomingRecord } from '@switchyard/kafka';
import { collectTopics, setupEvents } from '@switchyard/testing';

/** Regression tests of issue 12 item 3: a tenant-scoped bus read and routed other tenants' events. */
describe('a tenant-scoped bus (real broker)', () => {
  it("findEventLog returns only the bus's tenant's log entries", async () => {
    const t = await setupEvents(1);
    const correlationId = `corr-${t.domain}`;
    const bus = t.bus();
    bus.subscribe({ eventName: t.name('*'), handler: async () => undefined }, t.sub());
    await bus.start();
    const [acme, globex, none] = await bus.publishMany([
      t.event(t.name('doc.saved'), { n: 1 }, { tenantId: 'acme', correlationId }),
      t.event(t.name('doc.saved'), { n: 2 }, { tenantId: 'globex', correlationId }),
      t.event(t.name('doc.saved'), { n: 3 }, { correlationId }),
    ]);
    await vi.waitFor(async () => expect(await bus.findEventLog({ correlationId })).toHaveLength(3), { timeout: 30_000, interval: 200 });

    const scoped = t.bus({}, { tenantId: 'acme' });
    expect((await scoped.findEventLog({ correlationId })).map((e) => e.event.id)).toEqual([acme!.id]);
    expect(await scoped.findEventLog({ eventId: globex!.id })).toEqual([]);
    expect(await scoped.findEventLog({ eventId: none!.id })).toEqual([]);
  });

  it("deadLetters returns only the bus's tenant's dead letters", async () => {
    const t = await setupEvents(1);
    const sub = t.sub();
    const bus = t.bus();
    bus.subscribe({ eventName: t.name('*'), handler: () => Promise.reject(new UnrecoverableError('bad data')) }, sub);
    await bus.start();
    const [acme] = await bus.publishMany([
      t.event(t.name('doc.saved'), { n: 1 }, { tenantId: 'acme' }),
      t.event(t.name('doc.saved'), { n: 2 }, { tenantId: 'globex' }),
      t.event(t.name('doc.saved'), { n: 3 }),
    ]);
    // A record that is not an event, keyed by another tenant: unreadable, and not acme's.
    const producer = t.client.producer();
    await producer.connect();
    await producer.send([{ topic: eventLaneTopic(t.domain, 'normal'), records: [{ key: 'globex', value: 'not an event' }] }]);
    await producer.disconnect();
    await vi.waitFor(async () => {
      const all = await bus.deadLetters(sub);
      expect([all.entries.length, all.unreadable.length]).toEqual([3, 1]);
    }, { timeout: 30_000, interval: 200 });

    const scoped = await t.bus({}, { tenantId: 'acme' }).deadLetters(sub);
    expect(scoped.entries.map((e) => e.event.id)).toEqual([acme!.id]);
    expect(scoped.unreadable).toEqual([]);
  });

  it('a route on it routes only its tenant\'s events: tenantless ones are not stamped with its tenant, others\' are not dead-lettered', async () => {
    const t = await setupEvents(1);
    const routeId = t.sub('r');
    const source = t.bus();
    await source.start();
    // One partition: the route handles these in this order, each batch in one transaction.
    await source.publishMany([
      t.event(t.name('user.created'), { n: 1 }),
      t.event(t.name('user.created'), { n: 2 }, { tenantId: 'globex' }),
      t.event(t.name('user.created'), { n: 3 }, { tenantId: 'acme' }),
    ]);
    const out = await collectTopics(t.client, [eventLaneTopic(t.domain, 'normal')]);
    const audited = () => out.records.filter((r) => r.headers.ce_type?.toString() === t.name('audit.logged')).map(routedOf);

    const scoped = t.bus({}, { tenantId: 'acme' });
    scoped.route({ id: routeId, from: t.name('user.*'), to: [t.name('audit.logged')] });
    await scoped.start();
    await vi.waitFor(() => expect(audited().map((r) => r.n)).toContain(3), { timeout: 30_000, interval: 100 });
    // Whatever the route made of events 1 and 2 was committed no later than event 3's output.
    expect(audited()).toEqual([{ n: 3, tenantId: 'acme' }]);
    const dlq = eventDlqTopic(t.domain, `route-${routeId}`);
    expect((await t.admin.topicOffsets(dlq)).map((o) => o.high)).toEqual(['0']);
  });
});

function routedOf(record: IncomingRecord): { n: number; tenantId: string | undefined } {
  const decoded = decodeEventRecord(record);
  if (!decoded.ok) throw new Error(decoded.reason);
  return { n: (JSON.parse(record.value!.toString('utf8')) as { n: number }).n, tenantId: decoded.attributes.tenantId };
}
