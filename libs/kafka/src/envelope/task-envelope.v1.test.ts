import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { IncomingRecord } from '../client/kafka-client.port.js';
import { decodeTaskEnvelope, encodeTaskEnvelope, recordSizeBytes, type TaskEnvelope } from './task-envelope.v1.js';

const fixture = JSON.parse(readFileSync(new URL('./task-envelope.v1.fixture.json', import.meta.url), 'utf8')) as {
  key: string;
  value: string;
  headers: Record<string, string>;
};

/** Captured after Task.metadata (updatedAt, createdBy, tags) joined the headers: still task.v1. */
const metadataFixture = JSON.parse(readFileSync(new URL('./task-envelope.v1.metadata.fixture.json', import.meta.url), 'utf8')) as typeof fixture;

const EXPECTED_WITH_METADATA: TaskEnvelope = {
  taskId: 'task-9b1e04',
  type: 'send_invoice',
  queue: 'billing',
  priority: 'normal',
  tenant: 'acme',
  attempt: 0,
  createdAt: '2026-12-06T09:00:00.000Z',
  updatedAt: '2026-12-06T09:05:00.000Z',
  createdBy: 'billing-api',
  tags: ['invoice', 'eu-west'],
  payload: { invoiceId: 'inv-311' },
};

/** The envelope the fixture was captured from. */
const EXPECTED: TaskEnvelope = {
  taskId: 'task-7f3c2a',
  type: 'send_email',
  queue: 'notifications',
  priority: 'high',
  tenant: 'acme',
  orderingKey: 'user-42',
  attempt: 2,
  createdAt: '2026-11-28T10:00:00.000Z',
  notBefore: '2026-11-28T10:00:04.000Z',
  firstFailureAt: '2026-11-28T10:00:01.000Z',
  lastFailureAt: '2026-11-28T10:00:02.000Z',
  timeoutMs: 15000,
  retryPolicy: { maxRetries: 5, backoffStrategy: 'exponential', initialDelayMs: 1000, maxDelayMs: 60000, backoffMultiplier: 2 },
  origin: 'tasks.notifications.high/3/1041',
  traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
  payload: { to: 'user@example.com', template: 'welcome', vars: { name: 'Zoë' } },
};

function incoming(record: { key?: string | null; value: string | Buffer | null; headers: Record<string, string | Buffer> }): IncomingRecord {
  return {
    topic: 'tasks.notifications.high',
    partition: 3,
    offset: '1041',
    key: record.key == null ? null : Buffer.from(record.key),
    value: record.value == null ? null : Buffer.from(record.value),
    headers: Object.fromEntries(Object.entries(record.headers).map(([k, v]) => [k, Buffer.from(v)])),
    timestamp: '0',
  };
}

describe('task envelope v1', () => {
  it('reads the captured fixture (old messages stay readable)', () => {
    const result = decodeTaskEnvelope(incoming(fixture));
    expect(result).toEqual({ ok: true, envelope: EXPECTED });
  });

  it('writes exactly the captured fixture (the wire format does not drift)', () => {
    const record = encodeTaskEnvelope(EXPECTED);
    expect({ key: record.key, value: record.value, headers: record.headers }).toEqual({ key: fixture.key, value: fixture.value, headers: fixture.headers });
  });

  it('reads and writes the task metadata headers (sy-updated-at, sy-created-by, sy-tags) of the metadata fixture', () => {
    expect(decodeTaskEnvelope(incoming(metadataFixture))).toEqual({ ok: true, envelope: EXPECTED_WITH_METADATA });
    const record = encodeTaskEnvelope(EXPECTED_WITH_METADATA);
    expect({ key: record.key, value: record.value, headers: record.headers }).toEqual({ key: metadataFixture.key, value: metadataFixture.value, headers: metadataFixture.headers });
    // The first fixture predates these headers: its envelope has no metadata fields at all.
    const old = decodeTaskEnvelope(incoming(fixture));
    expect(old.ok && ['updatedAt', 'createdBy', 'tags'].filter((k) => k in old.envelope)).toEqual([]);
  });

  it('refuses malformed metadata headers naming the header', () => {
    const badTags = decodeTaskEnvelope(incoming({ ...metadataFixture, headers: { ...metadataFixture.headers, 'sy-tags': 'invoice,eu' } }));
    expect(!badTags.ok && badTags.error.message).toContain('header sy-tags: must be a JSON array of strings');
    const badUpdated = decodeTaskEnvelope(incoming({ ...metadataFixture, headers: { ...metadataFixture.headers, 'sy-updated-at': 'yesterday' } }));
    expect(!badUpdated.ok && badUpdated.error.message).toContain('header sy-updated-at');
  });

  it('round-trips a minimal envelope without optional headers', () => {
    const minimal: TaskEnvelope = { taskId: 't1', type: 'noop', queue: 'default', priority: 'normal', attempt: 0, createdAt: '2026-01-01T00:00:00Z', payload: null };
    const record = encodeTaskEnvelope(minimal);
    expect(record.key).toBeNull();
    expect(decodeTaskEnvelope(incoming({ value: record.value as string, headers: record.headers as Record<string, string> }))).toEqual({ ok: true, envelope: minimal });
  });

  it('turns garbage into a reason instead of throwing', () => {
    const garbage = decodeTaskEnvelope(incoming({ value: Buffer.from([0xff, 0x00, 0x13]), headers: {} }));
    expect(garbage.ok).toBe(false);
    if (!garbage.ok) {
      expect(garbage.error.code).toBe('SY_UNDECODABLE_MESSAGE');
      expect(garbage.error.message).toContain('header sy-envelope');
      expect(garbage.error.details).toMatchObject({ topic: 'tasks.notifications.high', partition: 3, offset: '1041' });
    }
    const badJson = decodeTaskEnvelope(incoming({ ...fixture, value: '{not json' }));
    expect(!badJson.ok && badJson.error.message).toContain('value is not valid UTF-8 JSON');
    const badAttempt = decodeTaskEnvelope(incoming({ ...fixture, headers: { ...fixture.headers, 'sy-attempt': '-1' } }));
    expect(!badAttempt.ok && badAttempt.error.message).toContain('header sy-attempt: must be a non-negative whole number');
    const badPriority = decodeTaskEnvelope(incoming({ ...fixture, headers: { ...fixture.headers, 'sy-priority': 'urgent' } }));
    expect(!badPriority.ok && badPriority.error.message).toContain('header sy-priority');
    const badPolicy = decodeTaskEnvelope(incoming({ ...fixture, headers: { ...fixture.headers, 'sy-retry-policy': '{"maxRetries":-1}' } }));
    expect(!badPolicy.ok && badPolicy.error.message).toContain('header sy-retry-policy');
  });

  it('names the header of each invalid value, whether or not the value was seen valid before', () => {
    const bad: Record<string, readonly string[]> = {
      'sy-envelope': ['task.v2', ''],
      'sy-task-id': ['', 'x'.repeat(201)],
      'sy-task-type': ['SendEmail', '1abc', ''],
      'sy-queue': ['', 'has space'],
      'sy-priority': ['urgent', 'HIGH'],
      'sy-tenant': [''],
      'sy-ordering-key': [''],
      'sy-attempt': ['-1', '1.5', ' 1', ''],
      'sy-created-at': ['yesterday', '2026-02-30T00:00:00Z', '2026-11-28T10:00:00', '2026-11-28T25:00:00Z'],
      'sy-not-before': ['2026-13-01T00:00:00Z'],
      'sy-first-failure-at': ['soon'],
      'sy-last-failure-at': ['2026-11-28 10:00:00Z'],
      'sy-timeout-ms': ['1e3', '-5'],
      'content-type': ['text/plain'],
      traceparent: ['00-xyz', '00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01'],
    };
    // The valid fixture first: its values are then known valid, and a bad one must still fail.
    expect(decodeTaskEnvelope(incoming(fixture)).ok).toBe(true);
    for (const [header, values] of Object.entries(bad)) {
      for (const value of values) {
        const result = decodeTaskEnvelope(incoming({ ...fixture, headers: { ...fixture.headers, [header]: value } }));
        expect(result.ok, `${header}=${JSON.stringify(value)}`).toBe(false);
        expect(!result.ok && result.error.message, header).toContain(`header ${header}:`);
      }
    }
    for (const required of ['sy-envelope', 'sy-task-id', 'sy-task-type', 'sy-queue', 'sy-priority', 'sy-attempt', 'sy-created-at']) {
      const { [required]: _, ...rest } = fixture.headers;
      const result = decodeTaskEnvelope(incoming({ ...fixture, headers: rest }));
      expect(!result.ok && result.error.message, required).toContain(`header ${required}:`);
    }
    // Accepted variants: offsets, no fraction, a 200-character id, unknown headers ignored.
    const accepted = { 'sy-created-at': '2026-11-28T10:00:00+02:00', 'sy-not-before': '2026-11-28T10:00:04Z', 'sy-task-id': 'x'.repeat(200), 'x-other': '' };
    const ok = decodeTaskEnvelope(incoming({ ...fixture, headers: { ...fixture.headers, ...accepted } }));
    expect(ok).toEqual({ ok: true, envelope: { ...EXPECTED, createdAt: accepted['sy-created-at'], notBefore: accepted['sy-not-before'], taskId: accepted['sy-task-id'] } });
  });

  it('measures record size including headers', () => {
    const record = encodeTaskEnvelope(EXPECTED);
    const headerBytes = Object.entries(fixture.headers).reduce((n, [k, v]) => n + Buffer.byteLength(k) + Buffer.byteLength(v), 0);
    expect(recordSizeBytes(record)).toBe(Buffer.byteLength(fixture.key) + Buffer.byteLength(fixture.value) + headerBytes);
  });
});
