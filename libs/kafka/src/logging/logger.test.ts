import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import kafkajs from 'kafkajs';
import { SwitchyardError } from '@switchyard/protocol';
import { hideSettingsSecrets, kafkaSettingsFromEnv } from '../client/kafka.options.js';
import { createLogger, kafkajsLogCreator, REDACTED } from './logger.js';

const PASSWORD = 'hunter2-sasl-secret';
const KEY_PEM = '-----BEGIN PRIVATE KEY-----\nTOP-SECRET-KEY-MATERIAL\n-----END PRIVATE KEY-----\n';
const dir = mkdtempSync(join(tmpdir(), 'sy-logger-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function secretSettings() {
  const cert = join(dir, 'client.pem');
  const key = join(dir, 'client.key');
  writeFileSync(cert, '-----BEGIN CERTIFICATE-----\nPUBLIC\n-----END CERTIFICATE-----\n');
  writeFileSync(key, KEY_PEM);
  return kafkaSettingsFromEnv({
    KAFKA_BROKERS: '127.0.0.1:9092',
    KAFKA_SASL_MECHANISM: 'scram-sha-512',
    KAFKA_SASL_USERNAME: 'svc-user',
    KAFKA_SASL_PASSWORD: PASSWORD,
    KAFKA_SSL_CERT_FILE: cert,
    KAFKA_SSL_KEY_FILE: key,
  });
}

/** A logger of the factory writing its JSON lines into an array. */
function capturedLogger(level = 'debug') {
  const lines: string[] = [];
  const log = createLogger('logger-test', { level }, { write: (line: string) => void lines.push(line) });
  return { log, lines, text: () => lines.join('') };
}

function expectNoSecret(text: string): void {
  expect(text).not.toContain(PASSWORD);
  expect(text).not.toContain('TOP-SECRET-KEY-MATERIAL');
}

describe('createLogger keeps connection secrets out of log lines', () => {
  it('censors the SASL password and TLS key of a logged settings object, at any depth', () => {
    const settings = secretSettings();
    const { log, lines, text } = capturedLogger();
    log.info({ settings }, 'settings');
    log.info(settings, 'settings as the merging object');
    log.info({ client: { clientId: settings.clientId, settings } }, 'a client');
    log.info({ a: { b: { c: { d: { e: { settings } } } } } }, 'deeper than the redact paths');
    log.info({ sasl: settings.sasl, ssl: settings.ssl }, 'the parts alone');
    // A plain copy (a worker thread's structured clone) lost the hiding: the logger's paths catch it.
    const clone = structuredClone(settings);
    log.info({ settings: clone, env: { KAFKA_SASL_PASSWORD: PASSWORD } }, 'a plain copy');
    log.info({ client: { settings: clone } }, 'a plain copy in a client');
    log.info({ ...clone }, 'a plain copy as the merging object');
    expect(lines).toHaveLength(8);
    expectNoSecret(text());
    const first = JSON.parse(lines[0]!) as { settings: { sasl: Record<string, string>; ssl: Record<string, string> } };
    expect(first.settings.sasl).toEqual({ mechanism: 'scram-sha-512', username: 'svc-user', password: REDACTED });
    expect(first.settings.ssl.key).toBe(REDACTED);
    expect(first.settings.ssl.cert).toContain('PUBLIC');
  });

  it('censors them in an error that carries the settings (details, cause, nested cause)', () => {
    const settings = secretSettings();
    const { log, text } = capturedLogger();
    const inner = new SwitchyardError('SY_INVALID_ENV', 'connect failed', { details: { settings } });
    const outer = new SwitchyardError('SY_INVALID_ENV', 'start failed', { cause: inner, details: { env: { KAFKA_SASL_PASSWORD: PASSWORD } } });
    log.error(outer, 'as the merging object');
    log.error({ err: outer }, 'under err');
    log.error({ error: { cause: { cause: { settings } } } }, 'plain nesting');
    expect(text()).toContain('start failed');
    expectNoSecret(text());
  });

  it("censors them in kafkajs' own log lines routed through kafkajsLogCreator", () => {
    const settings = secretSettings();
    const { log, text } = capturedLogger();
    const kafkajsLog = kafkajsLogCreator(log)(kafkajs.logLevel.DEBUG);
    kafkajsLog({ namespace: 'SASLAuthenticator', level: kafkajs.logLevel.WARN, label: 'WARN', log: { message: 'auth', timestamp: '', sasl: settings.sasl, ssl: { ...settings.ssl } } });
    kafkajsLog({ namespace: 'Connection', level: kafkajs.logLevel.ERROR, label: 'ERROR', log: { message: 'refused', timestamp: '', password: PASSWORD } });
    expect(text()).toContain('SASLAuthenticator');
    expectNoSecret(text());
  });

  it('writes to the destination given (the CLI passes stderr), JSON lines with the level', () => {
    const { log, lines } = capturedLogger('warn');
    log.info('below the level');
    log.warn({ topic: 't' }, 'a warning');
    expect(lines.map((l) => JSON.parse(l) as { level: number; msg: string; name: string })).toEqual([
      expect.objectContaining({ level: 40, msg: 'a warning', name: 'logger-test' }),
    ]);
  });

  it('falls back to info with a warning on an unknown level instead of throwing', () => {
    const { log, lines } = capturedLogger('loud');
    expect(log.level).toBe('info');
    expect(JSON.parse(lines[0]!)).toMatchObject({ level: 40, msg: 'LOG_LEVEL is not a pino level; using info', LOG_LEVEL: 'loud' });
  });
});

describe('hideSettingsSecrets', () => {
  it('hides the secrets from JSON and util.inspect while the adapter and a structured clone still read them', () => {
    const settings = secretSettings();
    expectNoSecret(JSON.stringify({ settings }));
    expectNoSecret(inspect({ deep: { settings } }, { depth: 10 }));
    expect(settings.sasl?.password).toBe(PASSWORD);
    expect({ ...settings.sasl }.password).toBe(PASSWORD);
    expect({ ...settings.ssl }.key).toBe(KEY_PEM);
    const cloned = structuredClone(settings);
    expect(cloned.sasl?.password).toBe(PASSWORD);
    expect(JSON.stringify(cloned)).toContain(PASSWORD);
    const rehidden = hideSettingsSecrets(cloned);
    expectNoSecret(JSON.stringify(rehidden));
    expect(rehidden.ssl?.key).toBe(KEY_PEM);
    expect(Object.isFrozen(rehidden) && Object.isFrozen(rehidden.sasl)).toBe(true);
  });
});
