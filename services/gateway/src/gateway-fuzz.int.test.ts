import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from './gateway.test-support.js';

let gw: TestGateway;
let acme: string;

beforeAll(async () => {
  gw = await startTestGateway();
  acme = await gw.key('acme', ['tasks:write', 'tasks:read', 'events:write', 'events:read']);
});
afterAll(async () => gw?.close());

const RUNS = 80;

/** A refusal must be a 400 that names a field, and the message starts with it; a 500 is a bug. */
function expectNamedRefusal(response: { status: number; body: { code?: string; field?: string | null; message?: string } }, accepted: readonly number[] = []): void {
  if (accepted.includes(response.status)) return;
  expect(response.status, JSON.stringify(response.body)).toBe(400);
  expect(response.body.field).toEqual(expect.any(String));
  expect(response.body.field!.length).toBeGreaterThan(0);
  expect(response.body.message!.startsWith(response.body.field!)).toBe(true);
}

/** Bodies shaped like a task (known or unknown type, any payload and options) or anything at all. */
const taskLike = fc.oneof(
  fc.record({ type: fc.oneof(fc.constantFrom('send_email', 'resize_image'), fc.string()), payload: fc.anything(), priority: fc.anything(), tenant: fc.anything(), timeoutMs: fc.anything() }, { requiredKeys: ['type'] }),
  fc.record({ type: fc.constant('send_email'), payload: fc.record({ to: fc.oneof(fc.emailAddress(), fc.string()), subject: fc.oneof(fc.string(), fc.integer()) }) }),
  fc.anything(),
);

describe('gateway: fuzzed requests get 400 naming the field, never 500', () => {
  it('task bodies (single and batch)', async () => {
    await fc.assert(
      fc.asyncProperty(taskLike, async (body) => {
        // A rare generated valid send_email is enqueued (201): also fine.
        expectNamedRefusal(await gw.call('POST', '/data/tasks', { key: acme, raw: JSON.stringify(body) ?? 'null' }), [201]);
      }),
      { numRuns: RUNS },
    );
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.record({ items: fc.array(taskLike, { maxLength: 4 }), atomic: fc.anything() }, { requiredKeys: ['items'] }), fc.anything()), async (body) => {
        expectNamedRefusal(await gw.call('POST', '/data/tasks/batch', { key: acme, raw: JSON.stringify(body) ?? 'null' }), [201]);
      }),
      { numRuns: RUNS },
    );
  });

  it('event bodies', async () => {
    const eventLike = fc.oneof(fc.record({ name: fc.oneof(fc.constant(gw.eventName), fc.string()), payload: fc.anything(), metadata: fc.anything() }, { requiredKeys: ['name'] }), fc.anything());
    await fc.assert(
      fc.asyncProperty(eventLike, async (body) => {
        expectNamedRefusal(await gw.call('POST', '/data/events', { key: acme, raw: JSON.stringify(body) ?? 'null' }), [201]);
      }),
      { numRuns: RUNS },
    );
  });

  it('raw bytes that are not JSON', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 200 }), async (raw) => {
        expectNamedRefusal(await gw.call('POST', '/data/tasks', { key: acme, raw }), [201]);
      }),
      { numRuns: RUNS },
    );
  });

  it('query strings and ids of the status read', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ minLength: 1, maxLength: 300 }), fc.dictionary(fc.string({ maxLength: 20 }), fc.oneof(fc.string(), fc.constant(gw.queue))), async (id, query) => {
        const qs = new URLSearchParams(query).toString();
        const response = await gw.call('GET', `/data/tasks/${encodeURIComponent(id)}${qs ? `?${qs}` : ''}`, { key: acme });
        // An id that is well-formed but unknown is a 404; a strict query or a too-long id is a 400 naming it.
        expectNamedRefusal(response, [404]);
        if (response.status === 404) expect(response.body.code).toBe('SY_NOTHING_MATCHED');
      }),
      { numRuns: RUNS },
    );
  });

  it('query strings of the lists and ids of the reads and the cancel (tasks, event-types, queues, subscriptions, dead letters, the event log, offsets, replays)', async () => {
    const key = fc.oneof(fc.constantFrom('queue', 'status', 'type', 'limit', 'cursor', 'subscription', 'domain', 'code', 'tenant', 'correlationId'), fc.string({ maxLength: 20 }));
    const value = fc.oneof(fc.string(), fc.constantFrom(gw.queue, 'queued', '0', '1', '201', '-1', 'eyJ4IjoxfQ', 'WyJhIiwiYiJd', 'acme', 'no-such-sub', 'user'));
    const lists = ['/data/tasks', '/data/event-types', '/data/queues', '/data/subscriptions'];
    const queried = [...lists, '/data/dead-letters', '/data/events', '/replays', '/offsets/no-such-group'];
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...queried), fc.dictionary(key, value), async (path, query) => {
        const qs = new URLSearchParams(query).toString();
        const response = await gw.call('GET', `${path}${qs ? `?${qs}` : ''}`, { key: gw.adminKey });
        expectNamedRefusal(response, path.startsWith('/offsets/') ? [200, 404] : [200]);
      }),
      {
        numRuns: RUNS,
        // Found by an earlier run (a subscription without a DLQ answered a 400 naming no field): always tried.
        examples: [
          ['/data/dead-letters', { subscription: 'no-such-sub' }],
          ['/data/dead-letters', { subscription: gw.queue, domain: 'user' }],
          ['/data/dead-letters', { domain: 'user' }],
        ],
      },
    );
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...lists.map((l) => ['GET', l] as const), ['DELETE', '/data/tasks'] as const), fc.string({ minLength: 1, maxLength: 300 }), async ([method, path], id) => {
        const response = await gw.call(method, `${path}/${encodeURIComponent(id)}`, { key: gw.adminKey });
        expectNamedRefusal(response, [200, 404]);
        if (response.status === 404) expect(response.body.code).toBe('SY_NOTHING_MATCHED');
      }),
      { numRuns: RUNS },
    );
  });

  it('operator bodies (admin): DLQ redrive, offsets reset, replays', async () => {
    const anyOf = <T>(arb: fc.Arbitrary<T>) => fc.oneof(arb, fc.anything());
    const redriveLike = fc.record(
      { queue: anyOf(fc.oneof(fc.constant(gw.queue), fc.string())), subscription: anyOf(fc.string()), code: fc.anything(), type: anyOf(fc.string()), since: anyOf(fc.constantFrom('2h', '2024-05-01T10:00:00Z', 'soon')), ids: fc.anything(), limit: fc.anything(), dryRun: fc.constant(true) },
      { requiredKeys: ['dryRun'] },
    );
    const resetLike = fc.record(
      { topics: anyOf(fc.array(fc.string(), { maxLength: 3 })), toEarliest: fc.anything(), toDatetime: anyOf(fc.string()), shiftBy: anyOf(fc.string()), toOffset: fc.anything(), dryRun: fc.constant(true) },
      { requiredKeys: ['dryRun'] },
    );
    const replayLike = fc.record(
      {
        topic: anyOf(fc.string()),
        from: anyOf(fc.constantFrom('2h', 'PT1H', 'later')),
        to: fc.anything(),
        partitions: anyOf(fc.array(fc.record({ partition: fc.anything(), fromOffset: anyOf(fc.nat().map(String)), toOffset: fc.anything() }), { maxLength: 3 })),
        where: fc.anything(),
        handlers: fc.anything(),
        rate: fc.anything(),
        dryRun: fc.constant(true),
      },
      { requiredKeys: ['dryRun'] },
    );
    for (const [path, arb] of [['/data/dead-letters/redrive', redriveLike], ['/offsets/fuzz-group/reset', resetLike], ['/replays', replayLike]] as const) {
      await fc.assert(
        fc.asyncProperty(fc.oneof(arb as fc.Arbitrary<unknown>, fc.anything()), async (body) => {
          // A generated valid dry run is answered (200, 202) or finds nothing (404).
          expectNamedRefusal(await gw.call('POST', path, { key: gw.adminKey, raw: JSON.stringify(body) ?? 'null' }), [200, 202, 404]);
        }),
        { numRuns: RUNS },
      );
    }
  });

  it('Idempotency-Key headers', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: 'binary-ascii', maxLength: 250 }), async (key) => {
        let response;
        try {
          response = await gw.call('POST', '/data/events', { key: acme, body: { name: gw.eventName, payload: { greeting: 'x' } }, headers: { 'idempotency-key': key } });
        } catch {
          return; // fetch refuses header values with control characters before sending
        }
        expectNamedRefusal(response, [201]);
        if (response.status === 400) expect(response.body.field).toBe('headers.idempotency-key');
      }),
      { numRuns: RUNS },
    );
  });
});
