import { describe, expect, it } from 'vitest';
import { DEFAULT_KAFKA_CLIENT, KAFKA_CLIENTS, kafkaSettingsFromEnv } from './kafka.options.js';

describe('kafkaSettingsFromEnv', () => {
  it('reads brokers and applies defaults', () => {
    const s = kafkaSettingsFromEnv({ KAFKA_BROKERS: '127.0.0.1:9092, kafka-2:9093' });
    expect(s.brokers).toEqual(['127.0.0.1:9092', 'kafka-2:9093']);
    expect(s.clientId).toBe('switchyard');
    expect(s.sasl).toBeUndefined();
    expect(s.ssl).toBeUndefined();
    expect(s.requestTimeoutMs).toBe(30_000);
    expect(Object.isFrozen(s)).toBe(true);
  });

  it('names the variable and the expected form when a value is bad', () => {
    expect(() => kafkaSettingsFromEnv({})).toThrow(/KAFKA_BROKERS: is required/);
    expect(() => kafkaSettingsFromEnv({ KAFKA_BROKERS: 'localhost' })).toThrow(/KAFKA_BROKERS\.0: each broker must be host:port/);
    expect(() => kafkaSettingsFromEnv({ KAFKA_BROKERS: 'a:1', KAFKA_SASL_MECHANISM: 'kerberos' })).toThrow(/KAFKA_SASL_MECHANISM: must be plain, scram-sha-256 or scram-sha-512/);
    expect(() => kafkaSettingsFromEnv({ KAFKA_BROKERS: 'a:1', KAFKA_SASL_MECHANISM: 'plain', KAFKA_SASL_USERNAME: 'u' })).toThrow(/KAFKA_SASL_PASSWORD: is required when KAFKA_SASL_MECHANISM is set/);
    expect(() => kafkaSettingsFromEnv({ KAFKA_BROKERS: 'a:1', KAFKA_SSL: 'maybe' })).toThrow(/KAFKA_SSL: must be true or false/);
    expect(() => kafkaSettingsFromEnv({ KAFKA_BROKERS: 'a:1', KAFKA_REQUEST_TIMEOUT_MS: '-5' })).toThrow(/KAFKA_REQUEST_TIMEOUT_MS: must be > 0/);
  });

  it('refuses a KAFKA_CLIENT that has no adapter (confluent was removed) and lists the valid names', () => {
    expect(() => kafkaSettingsFromEnv({ KAFKA_BROKERS: 'a:1', KAFKA_CLIENT: 'confluent' })).toThrow(`KAFKA_CLIENT: must be one of ${KAFKA_CLIENTS.join(', ')}`);
    expect(KAFKA_CLIENTS).toEqual(['kafkajs', 'platformatic']);
    expect(kafkaSettingsFromEnv({ KAFKA_BROKERS: 'a:1' }).client).toBe(DEFAULT_KAFKA_CLIENT);
  });

  it('builds SASL and TLS settings', () => {
    const s = kafkaSettingsFromEnv({ KAFKA_BROKERS: 'a:1', KAFKA_SASL_MECHANISM: 'scram-sha-512', KAFKA_SASL_USERNAME: 'u', KAFKA_SASL_PASSWORD: 'p', KAFKA_SSL: 'true' });
    expect(s.sasl).toEqual({ mechanism: 'scram-sha-512', username: 'u', password: 'p' });
    expect(s.ssl).toEqual({ rejectUnauthorized: true });
    expect(() => kafkaSettingsFromEnv({ KAFKA_BROKERS: 'a:1', KAFKA_SSL_CA_FILE: '/nonexistent/ca.pem' })).toThrow(/KAFKA_SSL_CA_FILE: cannot read/);
  });
});
