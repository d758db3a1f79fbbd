import { describe, expect, it, vi } from 'vitest';
import type { KafkaClient, ProducerOptions, ProducerPort, TopicPartitionOffset, TopicRecords } from '@switchyard/kafka';
import type { ReplayPlan } from './replay-plan.js';
import type { ReplayOptions } from './replay.options.js';
import { startWriterLanes, WRITER_LANES } from './writer-lanes.js';

/** A client without settings (so every lane stays in this thread) whose producers record what they do. */
function fakeClient() {
  const producers: { id: string | undefined; connected: boolean; sent: string[]; offsets: TopicPartitionOffset[] }[] = [];
  const client = {
    clientId: 'test',
    producer: (options: ProducerOptions = {}): ProducerPort => {
      const p = { id: options.transactionalId, connected: false, sent: [] as string[], offsets: [] as TopicPartitionOffset[] };
      producers.push(p);
      return {
        connect: async () => void (p.connected = true),
        disconnect: async () => void (p.connected = false),
        send: async () => [],
        transaction: async () => ({
          send: async (batch: readonly TopicRecords[]) => (p.sent.push(...batch.flatMap((b) => b.records.map((r) => String(r.key)))), []),
          sendEncoded: async () => undefined,
          sendOffsets: async (_group: unknown, offsets: readonly TopicPartitionOffset[]) => void p.offsets.push(...offsets),
          commit: async () => undefined,
          abort: async () => undefined,
        }),
      };
    },
  } as unknown as KafkaClient;
  return { client, producers };
}

const plan: ReplayPlan = {
  topic: 'src',
  group: 'switchyard.replay.r1',
  resumed: false,
  partitions: [4, 7, 9].map((partition) => ({ partition, start: 0n, end: 10n, position: 0n })),
};
const options = { id: 'r1', toTopic: 'dst', dryRun: false } as ReplayOptions;
const events = { onCommitted: () => undefined, onFailed: () => undefined };
const chunk = (partition: number) => ({ partition, records: [{ key: `p${partition}`, value: 'v' }], bytes: 100, position: 10n });

describe('startWriterLanes', () => {
  it('connects a producer per lane (fencing each lane of an earlier run) and routes partitions by their place in the plan', async () => {
    const { client, producers } = fakeClient();
    const committed: number[] = [];
    const writer = await startWriterLanes(client, plan, options, { ...events, onCommitted: (partition) => committed.push(partition) });
    expect(producers.map((p) => [p.id, p.connected])).toEqual([
      ['switchyard.replay.r1', true],
      ['switchyard.replay.r1.lane-1', true],
    ]);
    expect(WRITER_LANES).toBe(2);
    for (const partition of [4, 7, 9]) await writer.write(chunk(partition));
    await vi.waitFor(() => expect(committed.sort()).toEqual([4, 7, 9]));
    await writer.stop();
    expect(producers.map((p) => p.sent.sort())).toEqual([['p4', 'p9'], ['p7']]);
    expect(producers[1]!.offsets).toEqual([{ topic: 'src', partition: 7, offset: '10' }]);
    expect(producers.every((p) => !p.connected)).toBe(true);
  });

  it('uses no producer in a dry run', async () => {
    const { client, producers } = fakeClient();
    const writer = await startWriterLanes(client, plan, { ...options, dryRun: true }, events);
    expect(await writer.write({ ...chunk(4), records: [] })).toBe(true);
    await writer.stop();
    expect(producers).toEqual([]);
  });
});
