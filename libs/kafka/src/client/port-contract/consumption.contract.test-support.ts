/** Port contract, parts 3 and 4: resolveOffset with autoResolve off, seek, pause and resume. */
import { expect, it } from 'vitest';
import type { KafkaClientName } from '../kafka.options.js';
import { fetchCycles, range, rig, waitFor } from './contract-kit.test-support.js';

export function consumptionContract(name: KafkaClientName): void {
  it('fetches unresolved records again after pause and resume (autoResolve: false)', async () => {
    const r = await rig(name);
    const topic = await r.topic('resolve', 1);
    const producer = await r.producer();
    await producer.send([{ topic, records: range(0, 9).map((i) => ({ value: `r-${i}`, partition: 0 })) }]);
    let first = true;
    const c = await r.consumer(
      { groupId: r.group('resolve'), topics: [topic] },
      {
        autoResolve: false,
        eachBatch: async (batch, control, consumer) => {
          if (first) {
            first = false;
            control.resolveOffset('4');
            consumer.pause([{ topic, partitions: [0] }]);
          } else control.resolveOffset(batch.lastOffset);
        },
      },
    );
    await waitFor(() => expect(c.port.paused()).toEqual([{ topic, partitions: [0] }]));
    expect(c.offsets(0)).toEqual(range(0, 9));
    c.port.resume([{ topic, partitions: [0] }]);
    await waitFor(() => expect(c.offsets(0)).toEqual([...range(0, 9), ...range(5, 9)]));
    expect(c.port.paused()).toEqual([]);
  });

  it('seek moves the fetch position of an assigned partition', async () => {
    const r = await rig(name);
    const topic = await r.topic('seek', 1);
    const producer = await r.producer();
    await producer.send([{ topic, records: range(0, 9).map((i) => ({ value: `r-${i}`, partition: 0 })) }]);
    const c = await r.consumer({ groupId: r.group('seek'), topics: [topic] });
    await waitFor(() => expect(c.offsets(0)).toEqual(range(0, 9)));
    c.port.seek({ topic, partition: 0, offset: '3' });
    await waitFor(() => expect(c.offsets(0)).toEqual([...range(0, 9), ...range(3, 9)]));
  });

  it('a paused partition hands over no batch until resumed, and paused() lists it', async () => {
    const r = await rig(name);
    const topic = await r.topic('pause', 2);
    const producer = await r.producer();
    const c = await r.consumer({ groupId: r.group('pause'), topics: [topic] });
    await waitFor(() => expect(c.joins.length).toBeGreaterThan(0));
    await fetchCycles(producer, c, { topic, partition: 1 }, 1);
    c.port.pause([{ topic, partitions: [0] }]);
    expect(c.port.paused()).toEqual([{ topic, partitions: [0] }]);

    await producer.send([{ topic, records: [{ value: 'held', partition: 0 }] }]);
    // Partition 1 keeps flowing for three fetch cycles; paused partition 0 hands over nothing.
    await fetchCycles(producer, c, { topic, partition: 1 });
    expect(c.offsets(0)).toEqual([]);

    c.port.resume([{ topic, partitions: [0] }]);
    expect(c.port.paused()).toEqual([]);
    await waitFor(() => expect(c.offsets(0)).toEqual([0]));
  });
}
