import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { ensureSecuredMaterial, securedFiles } from './secured-material.js';

const ports = { scram: 9192, mtls: 9193 };
const cert = (file: string) => new X509Certificate(readFileSync(file));

/** A temporary folder removed when the test finishes. */
function tempDir(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'kafka-secured-'));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

describe('secured broker material (openssl)', () => {
  it('makes a CA, a broker certificate for 127.0.0.1/localhost and a client certificate, both signed by it, with private keys 0600', async () => {
    const dir = tempDir();
    await ensureSecuredMaterial(dir, ports);
    const files = securedFiles(dir);
    const ca = cert(files.caCert);
    const broker = cert(files.brokerKeystore);
    const client = cert(files.clientCert);
    expect(ca.ca).toBe(true);
    for (const leaf of [broker, client]) {
      expect(leaf.checkIssued(ca)).toBe(true);
      expect(leaf.verify(ca.publicKey)).toBe(true);
    }
    expect(broker.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(broker.checkHost('localhost')).toBe('localhost');
    expect(readFileSync(files.brokerKeystore, 'utf8')).toMatch(/^-----BEGIN PRIVATE KEY-----[\s\S]+-----BEGIN CERTIFICATE-----/);
    for (const secret of [files.caKey, files.clientKey, files.brokerKeystore, files.password, files.scramEnv]) {
      expect(statSync(secret).mode & 0o777).toBe(0o600);
    }
  });

  it('keeps the material across starts and writes both env files with the client settings', async () => {
    const dir = tempDir();
    const first = await ensureSecuredMaterial(dir, ports);
    const caBefore = readFileSync(securedFiles(dir).caCert, 'utf8');
    const again = await ensureSecuredMaterial(dir, ports);
    expect(again).toEqual(first);
    expect(readFileSync(securedFiles(dir).caCert, 'utf8')).toBe(caBefore);
    expect(first.scramTls).toMatchObject({ KAFKA_BROKERS: '127.0.0.1:9192', KAFKA_SASL_MECHANISM: 'scram-sha-512', KAFKA_SASL_USERNAME: 'switchyard' });
    expect(first.mutualTls).toEqual({
      KAFKA_BROKERS: '127.0.0.1:9193',
      KAFKA_SSL_CA_FILE: securedFiles(dir).caCert,
      KAFKA_SSL_CERT_FILE: securedFiles(dir).clientCert,
      KAFKA_SSL_KEY_FILE: securedFiles(dir).clientKey,
    });
    expect(readFileSync(securedFiles(dir).scramEnv, 'utf8')).toContain(`KAFKA_SASL_PASSWORD=${first.scramTls.KAFKA_SASL_PASSWORD}\n`);
  });
});
