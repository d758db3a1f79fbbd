import { describe, expect, it } from 'vitest';
import { byteSizeOf, HttpServerConfigSchema, MiddlewareConfigSchema } from './http-server.schema.js';
import { safeParseIssues } from './validation/parse-or-throw.js';

describe('HttpServerConfigSchema', () => {
  it('applies the seed defaults', () => {
    expect(HttpServerConfigSchema.parse({})).toEqual({ port: 3000, host: '0.0.0.0', requestTimeout: 30_000, bodyLimit: '10mb', compression: false, trustProxy: false });
  });

  it('applies the rate limit defaults when security.rateLimit is given', () => {
    expect(HttpServerConfigSchema.parse({ security: { rateLimit: {} } }).security).toEqual({ helmet: false, rateLimit: { enabled: true, max: 100, windowMs: 60_000 } });
  });

  it('names the field of a bad value', () => {
    const paths = (input: unknown) => safeParseIssues(HttpServerConfigSchema, input).map((i) => i.path);
    expect(paths({ port: 70_000 })).toEqual(['port']);
    expect(paths({ bodyLimit: 'ten megs' })).toEqual(['bodyLimit']);
    expect(paths({ security: { rateLimit: { max: 0 } } })).toEqual(['security.rateLimit.max']);
  });

  it('byteSizeOf reads the body limit', () => {
    expect(byteSizeOf('10mb')).toBe(10 * 1024 * 1024);
    expect(byteSizeOf('512KB')).toBe(512 * 1024);
    expect(byteSizeOf('7b')).toBe(7);
    expect(() => byteSizeOf('1tb')).toThrow(RangeError);
  });
});

describe('MiddlewareConfigSchema', () => {
  it('defaults order to 100 and enabled to true', () => {
    expect(MiddlewareConfigSchema.parse({ name: 'auth', type: 'authentication' })).toEqual({ name: 'auth', type: 'authentication', enabled: true, order: 100 });
  });
});
