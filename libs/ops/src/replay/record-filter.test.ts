import { describe, expect, it } from 'vitest';
import type { IncomingRecord } from '@switchyard/kafka';
import { buildRecordFilter, globToRegExp, splitAssignment, type RecordFilterSpec } from './record-filter.js';

const NONE: RecordFilterSpec = { types: [], tenants: [], headers: [], where: [] };

function record(headers: Record<string, string>, value: unknown = null): IncomingRecord {
  return {
    topic: 't',
    partition: 0,
    offset: '0',
    key: null,
    value: value === null ? null : Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)),
    headers: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, Buffer.from(v)])),
    timestamp: '0',
  };
}

describe('globToRegExp', () => {
  it('matches * as any run and everything else literally', () => {
    expect(globToRegExp('email.*').test('email.send')).toBe(true);
    expect(globToRegExp('email.*').test('emailxsend')).toBe(false);
    expect(globToRegExp('*.send').test('sms.send')).toBe(true);
    expect(globToRegExp('a+b').test('a+b')).toBe(true);
    expect(globToRegExp('email').test('email.send')).toBe(false);
  });
});

describe('buildRecordFilter', () => {
  it('passes everything without filters', () => expect(buildRecordFilter(NONE)(record({}))).toBe(true));

  it('matches the type on sy-task-type or the CloudEvents ce_type', () => {
    const matches = buildRecordFilter({ ...NONE, types: ['order.*'] });
    expect(matches(record({ 'sy-task-type': 'order.created' }))).toBe(true);
    expect(matches(record({ ce_type: 'order.paid' }))).toBe(true);
    expect(matches(record({ 'sy-task-type': 'invoice.sent' }))).toBe(false);
    expect(matches(record({}))).toBe(false);
  });

  it('matches the tenant on sy-tenant or ce_tenantid', () => {
    const matches = buildRecordFilter({ ...NONE, tenants: ['acme', 'globex'] });
    expect(matches(record({ 'sy-tenant': 'acme' }))).toBe(true);
    expect(matches(record({ ce_tenantid: 'globex' }))).toBe(true);
    expect(matches(record({ 'sy-tenant': 'initech' }))).toBe(false);
  });

  it('needs every header and where condition', () => {
    const matches = buildRecordFilter({ ...NONE, headers: [{ name: 'sy-queue', value: 'billing' }], where: [{ path: ['order', 'status'], value: 'paid' }] });
    expect(matches(record({ 'sy-queue': 'billing' }, { order: { status: 'paid' } }))).toBe(true);
    expect(matches(record({ 'sy-queue': 'billing' }, { order: { status: 'open' } }))).toBe(false);
    expect(matches(record({ 'sy-queue': 'other' }, { order: { status: 'paid' } }))).toBe(false);
    expect(matches(record({ 'sy-queue': 'billing' }, 'not json'))).toBe(false);
    expect(matches(record({ 'sy-queue': 'billing' }))).toBe(false);
  });

  it('compares numbers and booleans of the JSON value as text', () => {
    const matches = buildRecordFilter({ ...NONE, where: [{ path: ['n'], value: '3' }, { path: ['ok'], value: 'true' }] });
    expect(matches(record({}, { n: 3, ok: true }))).toBe(true);
    expect(matches(record({}, { n: 4, ok: true }))).toBe(false);
  });
});

describe('splitAssignment', () => {
  it('splits at the first =', () => expect(splitAssignment('a=b=c', 'header')).toEqual({ name: 'a', value: 'b=c' }));
  it('names the option when there is no name=value', () => expect(() => splitAssignment('=x', 'where')).toThrow(/^`where`: '=x' is not name=value/));
});
