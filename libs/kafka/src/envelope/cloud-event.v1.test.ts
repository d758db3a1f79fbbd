import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { CLOUDEVENT_HEADERS } from '../catalog/header-names.js';
import type { IncomingRecord } from '../client/kafka-client.port.js';
import { decodeEventRecord, decodeEventRecordBySchema, encodeEventRecord, type EventAttributes } from './cloud-event.v1.js';

const h = CLOUDEVENT_HEADERS;

function incoming(headers: Readonly<Record<string, string>>): IncomingRecord {
  return {
    topic: 'events.user',
    partition: 0,
    offset: '0',
    timestamp: '0',
    key: null,
    value: Buffer.from('{}'),
    headers: Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, Buffer.from(value, 'utf8')])),
  } as IncomingRecord;
}

const valid: EventAttributes = {
  id: 'e-1',
  name: 'user.created',
  source: 'svc',
  timestamp: '2026-12-06T10:00:00.000Z',
  priority: 'high',
  contentType: 'application/json',
  tenantId: 'acme',
  correlationId: 'c-1',
};

describe('decodeEventRecord: the hand check of the CloudEvents headers', () => {
  it('decodes what encodeEventRecord writes, optional attributes only when set', () => {
    const record = encodeEventRecord(valid, '{}', { 'sy-event-extra': 'x' });
    const decoded = decodeEventRecord(incoming(record.headers as Record<string, string>));
    expect(decoded).toEqual({ ok: true, data: Buffer.from('{}'), attributes: valid });
    expect(decoded).toEqual(decodeEventRecordBySchema(incoming(record.headers as Record<string, string>)));
  });

  it('refuses what the schema refuses, with the schema\'s reason naming the header', () => {
    const base = encodeEventRecord(valid, '{}').headers as Record<string, string>;
    const cases: Record<string, string>[] = [
      { ...base, [h.specversion]: '0.3' },
      { ...base, [h.id]: '' },
      { ...base, [h.id]: 'x'.repeat(201) },
      { ...base, [h.type]: 'User.Created' },
      { ...base, [h.time]: 'yesterday' },
      { ...base, [h.priority]: 'urgent' },
      { ...base, [h.tenantid]: '' },
      Object.fromEntries(Object.entries(base).filter(([name]) => name !== h.source)),
    ];
    for (const headers of cases) {
      const decoded = decodeEventRecord(incoming(headers));
      expect(decoded.ok, JSON.stringify(headers)).toBe(false);
      expect(decoded).toEqual(decodeEventRecordBySchema(incoming(headers)));
    }
    expect(decodeEventRecord(incoming({ ...base, [h.time]: 'yesterday' }))).toMatchObject({ reason: expect.stringContaining(`header ${h.time}`) });
  });

  it('agrees with the schema on any header values (property test: a valid record with some headers dropped or replaced)', () => {
    const base = encodeEventRecord({ ...valid, userId: 'u-1', causationId: 'c-0', dataschema: 'urn:x', traceparent: '00-ab-cd-01' }, '{}').headers as Record<string, string>;
    const text = fc.oneof(fc.constant(''), fc.string({ maxLength: 12 }), fc.constantFrom('user.created', 'a.b', 'ab', 'Bad', '2026-12-06T10:00:00Z', '2026-12-06T10:00:00+02:00', '2026-12-06 10:00', 'normal', 'critical', 'urgent', '1.0', 'x'.repeat(200), 'x'.repeat(201)));
    /** Each header of the valid record kept, dropped, or replaced by any text. */
    const change = fc.oneof({ weight: 6, arbitrary: fc.constant<'keep'>('keep') }, { weight: 1, arbitrary: fc.constant<'drop'>('drop') }, { weight: 3, arbitrary: text });
    const headers = fc.tuple(...Object.keys(base).map(() => change)).map((changes) => {
      const out: Record<string, string> = {};
      Object.keys(base).forEach((name, i) => {
        const c = changes[i];
        if (c === 'keep') out[name] = base[name]!;
        else if (c !== 'drop') out[name] = c!;
      });
      return out;
    });
    fc.assert(
      fc.property(headers, (values) => {
        expect(decodeEventRecord(incoming(values))).toEqual(decodeEventRecordBySchema(incoming(values)));
      }),
      { numRuns: 3_000 },
    );
  });
});
