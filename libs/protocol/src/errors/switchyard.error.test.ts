import { describe, expect, it } from 'vitest';
import { ERROR_CODES, isErrorCode } from './error-codes.js';
import { SwitchyardError, UnrecoverableError, isSwitchyardError } from './switchyard.error.js';

describe('ERROR_CODES', () => {
  it('contains exactly the catalog codes, each with a retriable flag and summary', () => {
    expect(Object.keys(ERROR_CODES).sort()).toEqual(
      [
        'SY_INVALID_CONFIG',
        'SY_INVALID_TASK',
        'SY_INVALID_EVENT',
        'SY_INVALID_ENV',
        'SY_PAYLOAD_TOO_LARGE',
        'SY_UNKNOWN_QUEUE',
        'SY_UNKNOWN_TASK_TYPE',
        'SY_UNDECODABLE_MESSAGE',
        'SY_TASK_TIMEOUT',
        'SY_TASK_FAILED',
        'SY_UNRECOVERABLE',
        'SY_TOPOLOGY_DRIFT',
        'SY_KAFKA_UNAVAILABLE',
        'SY_KAFKA_COMMIT_UNKNOWN',
        'SY_BROKER_START_FAILED',
        'SY_PORT_IN_USE',
        'SY_MISSING_TOOL',
        'SY_TASK_CANCELLED',
        'SY_INVALID_PAYLOAD',
        'SY_SCHEMA_INCOMPATIBLE',
        'SY_SCHEMA_REGISTRY_UNAVAILABLE',
        'SY_EVENT_HANDLER_FAILED',
        'SY_EVENT_FILTER_FAILED',
        'SY_UNKNOWN_EVENT_HANDLER',
        'SY_EVENT_HANDLER_TIMEOUT',
        'SY_INVALID_JOB',
        'SY_UNKNOWN_JOB',
        'SY_KAFKA_AUTH_FAILED',
        'SY_KAFKA_TLS_UNTRUSTED',
        'SY_INVALID_ARGUMENT',
        'SY_NOTHING_MATCHED',
        'SY_OPERATION_REFUSED',
        'SY_OPERATION_INTERRUPTED',
        'SY_UNAUTHENTICATED',
        'SY_FORBIDDEN',
        'SY_RATE_LIMITED',
        'SY_ROUTE_NOT_FOUND',
        'SY_IDEMPOTENCY_MISMATCH',
        'SY_INTERNAL',
        'SY_PARTITION_REVOKED',
        'SY_WEBHOOK_INVALID_SECRET',
        'SY_WEBHOOK_ADDRESS_REFUSED',
        'SY_WEBHOOK_DNS_FAILED',
        'SY_WEBHOOK_DELIVERY_FAILED',
        'SY_WEBHOOK_TIMEOUT',
        'SY_WEBHOOK_THROTTLED',
        'SY_WEBHOOK_ENDPOINT_GONE',
        'SY_WEBHOOK_UNKNOWN_ENDPOINT',
        'SY_WEBHOOK_CIRCUIT_OPEN',
      ].sort(),
    );
    for (const entry of Object.values(ERROR_CODES)) {
      expect(typeof entry.retriable).toBe('boolean');
      expect(entry.summary.length).toBeGreaterThan(10);
    }
  });

  it('marks only transient failures as retriable', () => {
    const retriable = Object.entries(ERROR_CODES)
      .filter(([, v]) => v.retriable)
      .map(([k]) => k)
      .sort();
    expect(retriable).toEqual(['SY_EVENT_HANDLER_FAILED', 'SY_EVENT_HANDLER_TIMEOUT', 'SY_KAFKA_UNAVAILABLE', 'SY_OPERATION_INTERRUPTED', 'SY_PARTITION_REVOKED', 'SY_RATE_LIMITED', 'SY_SCHEMA_REGISTRY_UNAVAILABLE', 'SY_TASK_FAILED', 'SY_TASK_TIMEOUT', 'SY_WEBHOOK_CIRCUIT_OPEN', 'SY_WEBHOOK_DELIVERY_FAILED', 'SY_WEBHOOK_DNS_FAILED', 'SY_WEBHOOK_THROTTLED', 'SY_WEBHOOK_TIMEOUT']);
  });

  it('isErrorCode recognises catalog codes only', () => {
    expect(isErrorCode('SY_TASK_TIMEOUT')).toBe(true);
    expect(isErrorCode('SY_NOPE')).toBe(false);
    expect(isErrorCode('toString')).toBe(false);
    expect(isErrorCode(42)).toBe(false);
  });
});

describe('SwitchyardError', () => {
  it('takes retriable from the catalog', () => {
    expect(new SwitchyardError('SY_TASK_TIMEOUT', 'slow').retriable).toBe(true);
    expect(new SwitchyardError('SY_INVALID_CONFIG', 'bad').retriable).toBe(false);
  });

  it('lets the caller override retriable', () => {
    const e = new SwitchyardError('SY_TASK_FAILED', 'boom', { retriable: false });
    expect(e.retriable).toBe(false);
  });

  it('keeps code, hint, details and cause and serializes them', () => {
    const cause = Object.assign(new Error('ECONNREFUSED'), { code: 'ECONNREFUSED' });
    const e = new SwitchyardError('SY_KAFKA_UNAVAILABLE', 'Kafka is down', {
      hint: 'Start Kafka with npm run kafka:up.',
      details: { brokers: ['localhost:9092'] },
      cause,
    });
    expect(e).toBeInstanceOf(Error);
    expect(e.name).toBe('SwitchyardError');
    expect(e.code).toBe('SY_KAFKA_UNAVAILABLE');
    expect(e.cause).toBe(cause);
    expect(JSON.parse(JSON.stringify(e))).toEqual({
      name: 'SwitchyardError',
      code: 'SY_KAFKA_UNAVAILABLE',
      message: 'Kafka is down',
      retriable: true,
      hint: 'Start Kafka with npm run kafka:up.',
      details: { brokers: ['localhost:9092'] },
      cause: { name: 'Error', message: 'ECONNREFUSED', code: 'ECONNREFUSED' },
    });
  });

  it('omits absent optional fields from toJSON', () => {
    expect(new SwitchyardError('SY_PORT_IN_USE', 'port 9092 taken').toJSON()).toEqual({
      name: 'SwitchyardError',
      code: 'SY_PORT_IN_USE',
      message: 'port 9092 taken',
      retriable: false,
    });
  });
});

describe('UnrecoverableError', () => {
  it('is a non-retriable SY_UNRECOVERABLE SwitchyardError', () => {
    const e = new UnrecoverableError('customer deleted', { hint: 'Nothing to do.' });
    expect(e).toBeInstanceOf(SwitchyardError);
    expect(e.name).toBe('UnrecoverableError');
    expect(e.code).toBe('SY_UNRECOVERABLE');
    expect(e.retriable).toBe(false);
    expect(e.hint).toBe('Nothing to do.');
  });
});

describe('isSwitchyardError', () => {
  it('accepts SwitchyardError and subclasses, rejects others', () => {
    expect(isSwitchyardError(new SwitchyardError('SY_INVALID_ENV', 'x'))).toBe(true);
    expect(isSwitchyardError(new UnrecoverableError('x'))).toBe(true);
    expect(isSwitchyardError(new Error('x'))).toBe(false);
    expect(isSwitchyardError({ code: 'SY_INVALID_ENV' })).toBe(false);
  });
});
