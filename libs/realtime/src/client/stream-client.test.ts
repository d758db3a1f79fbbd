import { describe, expect, it, vi } from 'vitest';
import { RealTimeNotificationConfigSchema } from '@switchyard/protocol';
import { StreamPolicy } from '../filter/stream-filter.js';
import type { StreamMessage } from '../message/stream-message.js';
import { StreamCursor } from '../position/stream-cursor.js';
import { ClientRateLimit } from './client-rate-limit.js';
import { messageFrame, StreamClient, type HubRecord } from './stream-client.js';
import type { DropReason, StreamFrame, StreamSink } from './stream-sink.js';

/** A transport that takes `capacity` frames before it backs up (Infinity: never). */
function sink(capacity = Number.POSITIVE_INFINITY) {
  const frames: StreamFrame[] = [];
  let drain: (() => void) | undefined;
  let ended = false;
  const s: StreamSink & { frames: StreamFrame[]; drain(): void; ended(): boolean } = {
    frames,
    write: (frame) => (frames.push(frame), frames.length < capacity),
    heartbeat: () => undefined,
    onDrain: (listener) => void (drain = listener),
    end: () => void (ended = true),
    drain: () => {
      capacity = Number.POSITIVE_INFINITY;
      const d = drain;
      drain = undefined;
      d?.();
    },
    ended: () => ended,
  };
  return s;
}

const event = (n: number): StreamMessage => ({ type: 'event', name: 'shop.sold', tenant: 'acme', user: undefined, data: { id: `e${n}`, name: 'shop.sold', source: 's', time: '', priority: 'normal', payload: n } });

function setup(options: { capacity?: number; maxBuffered?: number; rateLimit?: { maxEventsPerSecond: number; windowMs: number } } = {}) {
  const hub = new StreamCursor();
  hub.advance('events.shop', 0, 0n);
  const transport = sink(options.capacity);
  const drops: (DropReason | undefined)[] = [];
  const client = new StreamClient({
    id: 'c1',
    scope: { tenant: 'acme', user: undefined, canReadEvents: true, canReadTasks: true },
    subscription: { channels: [], events: ['*'], tasks: [] },
    policy: new StreamPolicy(RealTimeNotificationConfigSchema.parse({})),
    sink: transport,
    limits: { maxBuffered: options.maxBuffered ?? 10, heartbeatMs: 60_000, rateLimit: options.rateLimit },
    hubCursor: () => hub,
    onClosed: (_c, reason) => void drops.push(reason),
  });
  /** The hub reads the record at `offset` and offers it. */
  const read = (offset: number, message: StreamMessage | undefined = event(offset)) => {
    hub.advance('events.shop', 0, BigInt(offset) + 1n);
    const id = hub.encode();
    const record: HubRecord = { topic: 'events.shop', partition: 0, offset: BigInt(offset), message, sharedFrame: () => messageFrame(message!, id) };
    client.offer(record);
  };
  const payloads = () => transport.frames.filter((f) => f.type === 'event').map((f) => (f.data as { payload: number }).payload);
  return { hub, transport, client, drops, read, payloads };
}

describe('StreamClient', () => {
  it('writes matching records with the hub cursor after each as id', () => {
    const { client, read, transport, payloads } = setup();
    read(0);
    read(1);
    expect(payloads()).toEqual([0, 1]);
    expect(StreamCursor.decode(transport.frames[1]!.id!, 'id').next('events.shop', 0)).toBe(2n);
    expect(client.delivered).toBe(2);
  });

  it('a backed-up transport fills the bounded buffer; one more message drops the client (slow-client) with its resume id', () => {
    const { client, read, transport, drops } = setup({ capacity: 1, maxBuffered: 3 });
    for (let i = 0; i < 4; i++) read(i);
    expect(client.state).toBe('live');
    read(4);
    expect(client.state).toBe('closed');
    expect(drops).toEqual(['slow-client']);
    expect(transport.ended()).toBe(true);
    const last = transport.frames.at(-1)!;
    expect(last).toMatchObject({ type: 'dropped', data: { reason: 'slow-client' } });
    expect(StreamCursor.decode((last.data as { lastId: string }).lastId, 'id').next('events.shop', 0)).toBe(5n);
  });

  it('drain lets the buffered messages go, in order', () => {
    const { read, transport, payloads } = setup({ capacity: 1, maxBuffered: 5 });
    for (let i = 0; i < 4; i++) read(i);
    expect(payloads()).toEqual([0]);
    transport.drain();
    expect(payloads()).toEqual([0, 1, 2, 3]);
  });

  it('the rate limit holds messages for the next window; a client kept over it is dropped (rate-limited)', () => {
    vi.useFakeTimers();
    try {
      const { read, payloads, drops } = setup({ maxBuffered: 3, rateLimit: { maxEventsPerSecond: 2, windowMs: 1_000 } });
      for (let i = 0; i < 5; i++) read(i);
      expect(payloads()).toEqual([0, 1]);
      vi.advanceTimersByTime(1_000);
      expect(payloads()).toEqual([0, 1, 2, 3]);
      for (let i = 5; i < 10; i++) read(i);
      expect(drops).toEqual(['rate-limited']);
    } finally {
      vi.useRealTimers();
    }
  });

  it('resume: catch-up records from the client cursor, then the stash without repeats, then back on the hub position', () => {
    const { client, hub, read, payloads, transport } = setup();
    hub.advance('events.shop', 0, 5n);
    const from = new StreamCursor();
    from.advance('events.shop', 0, 2n);
    client.beginCatchUp(from);
    read(5);
    read(6);
    expect(payloads()).toEqual([]);
    for (const offset of [1, 2, 3, 4]) client.offerCatchUp('events.shop', 0, BigInt(offset), BigInt(offset) + 1n, event(offset));
    const target = new StreamCursor();
    target.advance('events.shop', 0, 5n);
    client.endCatchUp(target);
    read(7);
    expect(payloads()).toEqual([2, 3, 4, 5, 6, 7]);
    const ids = transport.frames.filter((f) => f.type === 'event').map((f) => StreamCursor.decode(f.id!, 'id').next('events.shop', 0));
    expect(ids).toEqual([3n, 4n, 5n, 6n, 7n, 8n]);
  });
});

describe('ClientRateLimit', () => {
  it('allows maxEventsPerSecond x windowMs / 1000 per window (at least one)', () => {
    expect(new ClientRateLimit({ maxEventsPerSecond: 10, windowMs: 500 }).perWindow).toBe(5);
    expect(new ClientRateLimit({ maxEventsPerSecond: 1, windowMs: 100 }).perWindow).toBe(1);
    const limit = new ClientRateLimit({ maxEventsPerSecond: 2, windowMs: 1_000 });
    expect([limit.take(0), limit.take(10), limit.take(20), limit.take(1_000)]).toEqual([0, 0, 980, 0]);
  });
});
