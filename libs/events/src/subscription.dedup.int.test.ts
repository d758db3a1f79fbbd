import { describe, expect, it, vi } from 'vitest';
import { encodeEventRecord, eventLaneTopic, subscriptionGroup } from '@switchyard/kafka';
import { setupEvents } from '@switchyard/testing';
import { subscriptionDedupTopic } from '@switchyard/kafka';

describe('dedup on the CloudEvents id', () => {
  it('runs an event once per id: a duplicate published again, and events redelivered after the group was sought back in a new process, are skipped', async () => {
    // Before: every record reached the handlers, whatever its ce_id.
    const t = await setupEvents(1);
    const sub = t.sub();
    const name = t.name('order.placed');
    const topic = eventLaneTopic(name, 'normal');
    const record = (id: string) => encodeEventRecord({ id, name, source: 'outbox', timestamp: new Date().toISOString(), priority: 'normal', contentType: 'application/json' }, JSON.stringify({ id }));
    const send = async (ids: string[]) => {
      const producer = t.client.producer();
      await producer.connect();
      await producer.send([{ topic, records: ids.map(record) }]);
      await producer.disconnect();
    };
    const ran: string[] = [];
    const start = async () => {
      const bus = t.bus();
      bus.subscribe({ id: 'ship', eventName: t.name('*'), handler: async (e) => void ran.push(e.id) }, { name: sub, dedup: {} });
      await bus.start();
      return bus;
    };

    // One process: e3 twice in one batch, e1 again later (an outbox relay publishing again after its own crash).
    const first = await start();
    await send(['e1', 'e2', 'e3', 'e3', 'e4']);
    await vi.waitFor(() => expect(first.subscription(sub)!.counts).toMatchObject({ completed: 4, skipped: 1 }), { timeout: 30_000, interval: 50 });
    await send(['e1']);
    await vi.waitFor(() => expect(first.subscription(sub)!.counts).toMatchObject({ completed: 4, skipped: 2 }), { timeout: 30_000, interval: 50 });
    expect(ran.sort()).toEqual(['e1', 'e2', 'e3', 'e4']);
    await first.close();

    // Seek back: the group starts over from offset 0, so all 6 records are redelivered to a new process.
    await t.admin.setGroupOffsets(subscriptionGroup(sub), topic, [{ partition: 0, offset: '0' }]);
    const second = await start();
    await send(['e5']);
    await vi.waitFor(() => expect(second.subscription(sub)!.counts).toMatchObject({ completed: 1, skipped: 6 }), { timeout: 30_000, interval: 50 });
    expect(ran.sort()).toEqual(['e1', 'e2', 'e3', 'e4', 'e5']);
    // The ids are kept in a compacted topic, one marker per handled event.
    const described = await t.admin.describeTopicConfigs([subscriptionDedupTopic(sub)]);
    expect(described[subscriptionDedupTopic(sub)]).toMatchObject({ 'cleanup.policy': 'compact,delete', 'retention.ms': '86400000' });
  });
});
