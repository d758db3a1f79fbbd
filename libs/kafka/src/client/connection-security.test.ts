import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../logging/logger.js';
import { connectionSecurityWarnings, isUntrustedCertificateCode } from './connection-security.js';
import { kafkaSettingsFromEnv } from './kafka.options.js';
import { createKafkajsClient } from './kafkajs.adapter.js';

const settings = (env: Record<string, string>) => kafkaSettingsFromEnv({ KAFKA_BROKERS: '127.0.0.1:9092', ...env });
const plain = { KAFKA_SASL_MECHANISM: 'plain', KAFKA_SASL_USERNAME: 'ada', KAFKA_SASL_PASSWORD: 'secret' };

describe('connection security warnings', () => {
  it('warns about SASL PLAIN without TLS, naming the settings to change', () => {
    expect(connectionSecurityWarnings(settings(plain))).toEqual([expect.stringMatching(/SASL PLAIN without TLS .*clear text.*KAFKA_SSL=true/)]);
  });

  it('warns about TLS without certificate checks', () => {
    expect(connectionSecurityWarnings(settings({ KAFKA_SSL: 'true', KAFKA_SSL_REJECT_UNAUTHORIZED: 'false' }))).toEqual([
      expect.stringContaining('KAFKA_SSL_REJECT_UNAUTHORIZED=false'),
    ]);
  });

  it('is quiet for PLAIN over checked TLS, SCRAM without TLS and no security at all', () => {
    expect(connectionSecurityWarnings(settings({ ...plain, KAFKA_SSL: 'true' }))).toEqual([]);
    expect(connectionSecurityWarnings(settings({ ...plain, KAFKA_SASL_MECHANISM: 'scram-sha-512' }))).toEqual([]);
    expect(connectionSecurityWarnings(settings({}))).toEqual([]);
  });

  it('the kafkajs client logs the warning when it is created (pino, level warn), without the password', () => {
    const lines: { level: number; msg: string }[] = [];
    const stream = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(JSON.parse(chunk.toString()) as { level: number; msg: string });
        done();
      },
    });
    createKafkajsClient(settings(plain), createLogger('plain', { level: 'warn' }, stream));
    expect(lines).toEqual([expect.objectContaining({ level: 40, msg: expect.stringContaining('SASL PLAIN without TLS') })]);
    expect(JSON.stringify(lines)).not.toContain('secret');
  });

  it('knows the TLS verification codes of an untrusted certificate', () => {
    expect(isUntrustedCertificateCode('SELF_SIGNED_CERT_IN_CHAIN')).toBe(true);
    expect(isUntrustedCertificateCode('ERR_TLS_CERT_ALTNAME_INVALID')).toBe(true);
    expect(isUntrustedCertificateCode('ECONNREFUSED')).toBe(false);
    expect(isUntrustedCertificateCode(undefined)).toBe(false);
  });
});
