import { describe, expect, it } from 'vitest';
import { CLOUDEVENT_HEADERS, scanTopics, type IncomingRecord, type KafkaClient } from '@switchyard/kafka';
import { setupEvents } from '@switchyard/testing';

/** Every committed record of the domain's event topics up to their current end (read_committed). */
async function domainEvents(client: KafkaClient, domain: string): Promise<IncomingRecord[]> {
  const admin = client.admin();
  await admin.connect();
  const topics = (await admin.listTopics()).filter((t) => t.startsWith(`events.${domain}.`) && !t.includes('.dlq.'));
  await admin.disconnect();
  const records: IncomingRecord[] = [];
  await scanTopics(client, topics, (record) => void records.push(record));
  return records;
}

const ids = (records: readonly IncomingRecord[]) => records.map((r) => r.headers[CLOUDEVENT_HEADERS.id]?.toString());

describe('EventPublisher.publishMany on a real broker', () => {
  it('10,000 events of 1 KB in one call land exactly once (regression: a big batch half-applied with MESSAGE_TOO_LARGE)', async () => {
    const t = await setupEvents(3);
    const bus = t.bus();
    await bus.start();
    const events = Array.from({ length: 10_000 }, (_, i) => ({ ...t.event(t.name('bulk.loaded'), { blob: 'x'.repeat(1_000) }, { tenantId: `t${i % 5}` }), id: `e-${i}` }));

    const receipts = await bus.publishMany(events);

    expect(receipts).toHaveLength(10_000);
    const seen = ids(await domainEvents(t.client, t.domain));
    expect(seen).toHaveLength(10_000);
    expect(new Set(seen).size).toBe(10_000);
  });

  it('a call Kafka refuses leaves none of its events visible and the error names the event at fault', async () => {
    const t = await setupEvents(3);
    // The domain's topics take 64 KiB; the second bus believes they take 1 MiB, so only the broker refuses.
    const small = t.bus({}, { topology: { partitions: 3, maxMessageBytes: 64 * 1024 } });
    await small.start();
    await small.publish({ ...t.event(t.name('doc.saved'), { first: true }), id: 'first' });
    const bus = t.bus();
    await bus.start();
    const events = Array.from({ length: 200 }, (_, i) => ({ ...t.event(t.name('doc.saved'), i === 120 ? { blob: 'x'.repeat(100_000) } : { i }), id: `doc-${i}` }));

    const failure = await bus.publishMany(events).catch((error: unknown) => error);

    expect(failure).toMatchObject({ code: 'SY_PAYLOAD_TOO_LARGE', message: expect.stringContaining(`events[120] (${t.name('doc.saved')}, id doc-120)`), details: { written: 0 } });
    expect(ids(await domainEvents(t.client, t.domain))).toEqual(['first']);
  });
});
