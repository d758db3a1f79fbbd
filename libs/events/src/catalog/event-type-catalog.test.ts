import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createLogger } from '@switchyard/kafka';
import { EventTypeCatalog } from './event-type-catalog.js';

function catalogWithLog() {
  const lines: string[] = [];
  const log = createLogger('catalog-test', { level: 'warn' });
  log.warn = ((obj: unknown, msg?: string) => void lines.push(`${JSON.stringify(obj)} ${msg ?? ''}`)) as typeof log.warn;
  return { catalog: new EventTypeCatalog(log), lines };
}

describe('EventTypeCatalog', () => {
  it('validates JSON Schema payloads and names the field', () => {
    const { catalog } = catalogWithLog();
    catalog.define({ name: 'user.created', version: '2.1.0', schema: { type: 'object', properties: { email: { type: 'string', format: 'email' }, address: { type: 'object', properties: { zip: { type: 'string', pattern: '^[0-9]{5}$' } } } }, required: ['email'] } });
    expect(catalog.check('user.created', { email: 'a@b.co' })?.definition.version).toBe('2.1.0');
    expect(() => catalog.check('user.created', {})).toThrow(/Event user\.created \(v2\.1\.0\): payload\.email is required/);
    expect(() => catalog.check('user.created', { email: 'x' })).toThrow(/payload\.email must match format "email"/);
    expect(() => catalog.check('user.created', { email: 'a@b.co', address: { zip: 'abc' } })).toThrow(/payload\.address\.zip must match pattern/);
  });

  it('takes zod schemas, and turns them into JSON Schema for the registry', () => {
    const { catalog } = catalogWithLog();
    const entry = catalog.define({ name: 'order.paid', schema: z.object({ amount: z.number().positive(), items: z.array(z.object({ sku: z.string() })) }) });
    expect(entry.jsonSchema).toMatchObject({ type: 'object', properties: { amount: { type: 'number' } }, required: ['amount', 'items'] });
    expect(() => catalog.check('order.paid', { amount: -1, items: [] })).toThrow(/payload\.amount/);
    expect(() => catalog.check('order.paid', { amount: 1, items: [{ sku: 3 }] })).toThrow(/payload\.items\.0\.sku/);
    expect(catalog.check('order.paid', { amount: 1, items: [] })).toBe(entry);
  });

  it('lets unknown types through, warns once per deprecated type, refuses bad definitions', () => {
    const { catalog, lines } = catalogWithLog();
    expect(catalog.check('not.in.catalog', { anything: true })).toBeUndefined();
    catalog.define({ name: 'user.renamed', deprecated: true });
    catalog.check('user.renamed', {});
    catalog.check('user.renamed', {});
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('event type user.renamed is deprecated');
    expect(() => catalog.define({ name: 'Bad', schema: {} })).toThrow(/name/);
    expect(() => catalog.define({ name: 'x.bad', schema: { type: 'no-such-type' } })).toThrow(/not a valid JSON Schema/);
  });
});
