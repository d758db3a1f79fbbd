import { Writable } from 'node:stream';
import { beforeAll, describe, expect, it, onTestFinished, vi } from 'vitest';
import { foreignCa, testSecuredKafka, uniqueName } from '@switchyard/testing';
import type { SecuredConnections } from '@switchyard/kafka-local';
import { createLogger } from '../logging/logger.js';
import type { IncomingRecord, KafkaClient } from './kafka-client.port.js';
import { createKafkaClient, registeredKafkaClients } from './create-kafka-client.js';
import { kafkaSettingsFromEnv, type KafkaClientName } from './kafka.options.js';
import { throwawayConsumer } from './throwaway-consumer.js';

/** Far longer than any test here: an error that comes is the refusal itself, not a timeout. */
const PATIENT = { KAFKA_CONNECTION_TIMEOUT_MS: '120000', KAFKA_REQUEST_TIMEOUT_MS: '120000' };

let broker: SecuredConnections;

/** Pino lines (parsed) written by the client's logger. */
function capturedLogger(name: string) {
  const lines: { level: number; msg: string }[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line) as { level: number; msg: string });
      done();
    },
  });
  return { logger: createLogger(name, { level: 'warn' }, stream), lines };
}

function securedClient(adapter: KafkaClientName, env: Record<string, string>, clientId = uniqueName('secured')): KafkaClient {
  return createKafkaClient(kafkaSettingsFromEnv({ ...env, KAFKA_CLIENT_ID: clientId, KAFKA_CLIENT: adapter }), createLogger(clientId, { level: process.env.LOG_LEVEL ?? 'silent' }));
}

/** Creates a topic over `client`, sends three keyed records and reads them back over a consumer of the same client. */
async function roundTrip(client: KafkaClient): Promise<string[]> {
  const admin = client.admin();
  await admin.connect();
  onTestFinished(() => admin.disconnect());
  const topic = uniqueName('secured-roundtrip');
  await admin.createTopics([{ topic, numPartitions: 1, replicationFactor: 1, configs: {} }]);
  onTestFinished(() => admin.deleteTopics([topic]));

  const producer = client.producer();
  await producer.connect();
  onTestFinished(() => producer.disconnect());
  await producer.send([{ topic, records: ['a', 'b', 'c'].map((v) => ({ key: Buffer.from('tenant-1'), value: Buffer.from(v) })) }]);

  const seen: IncomingRecord[] = [];
  const consumer = throwawayConsumer(client, { groupId: uniqueName('secured-reader') });
  await consumer.connect();
  onTestFinished(() => consumer.disconnect());
  await consumer.subscribe([topic], { fromBeginning: true });
  await consumer.run({ eachBatch: async (batch) => void seen.push(...batch.records) });
  await vi.waitFor(() => expect(seen).toHaveLength(3), { timeout: 60_000, interval: 100 });
  return seen.map((r) => r.value!.toString());
}

/** Every adapter of this build meets the same secured broker and fails the same way. */
describe.each(registeredKafkaClients())('%s client on the secured broker (SCRAM-SHA-512 over TLS, mutual TLS)', (adapter: KafkaClientName) => {
  beforeAll(async () => {
    broker = await testSecuredKafka();
  });

  it('produces and consumes over SCRAM-SHA-512 on TLS', async () => {
    expect(await roundTrip(securedClient(adapter, broker.scramTls))).toEqual(['a', 'b', 'c']);
  });

  it('produces and consumes over mutual TLS (client certificate, no SASL)', async () => {
    expect(await roundTrip(securedClient(adapter, broker.mutualTls))).toEqual(['a', 'b', 'c']);
  });

  it('a wrong SCRAM password fails connect() at once with SY_KAFKA_AUTH_FAILED naming the user and the settings to fix', async () => {
    const admin = securedClient(adapter, { ...broker.scramTls, ...PATIENT, KAFKA_SASL_PASSWORD: 'not-the-password' }).admin();
    onTestFinished(() => admin.disconnect());
    const error = await admin.connect().then(() => undefined, (e: unknown) => e);
    expect(error).toMatchObject({
      name: 'SwitchyardError',
      code: 'SY_KAFKA_AUTH_FAILED',
      retriable: false,
      message: expect.stringContaining(`user '${broker.scramTls.KAFKA_SASL_USERNAME}' (scram-sha-512)`),
      hint: expect.stringContaining('KAFKA_SASL_PASSWORD'),
    });
    expect((error as Error).message).not.toContain('not-the-password');
  });

  it('an unknown SCRAM user fails the same way', async () => {
    const producer = securedClient(adapter, { ...broker.scramTls, ...PATIENT, KAFKA_SASL_USERNAME: 'nobody' }).producer();
    onTestFinished(() => producer.disconnect());
    // Not retried (platformatic retried the refusal 40 times, 23 s, before 2026-12-07): the error is final.
    await expect(producer.connect()).rejects.toMatchObject({ code: 'SY_KAFKA_AUTH_FAILED', retriable: false, message: expect.stringContaining("user 'nobody'") });
  });

  it.each([
    ['SCRAM over TLS', () => broker.scramTls],
    ['mutual TLS', () => broker.mutualTls],
  ])('a CA that did not sign the broker certificate fails connect() at once with SY_KAFKA_TLS_UNTRUSTED (%s)', async (_name, env) => {
    const consumer = securedClient(adapter, { ...env(), ...PATIENT, KAFKA_SSL_CA_FILE: (await foreignCa()).cert }).consumer({ groupId: uniqueName('untrusted') });
    onTestFinished(() => consumer.disconnect());
    await expect(consumer.connect()).rejects.toMatchObject({
      code: 'SY_KAFKA_TLS_UNTRUSTED',
      retriable: false,
      // The broker sends its own certificate only, so Node finds no issuer among the CAs it trusts.
      message: expect.stringMatching(/TLS certificate of Kafka broker 127\.0\.0\.1:\d+ is not trusted: .*\(UNABLE_TO_VERIFY_LEAF_SIGNATURE\)/),
      hint: expect.stringContaining('KAFKA_SSL_CA_FILE'),
    });
  });

  it('on the mutual-TLS listener, a missing client certificate fails connect() at once with SY_KAFKA_AUTH_FAILED naming KAFKA_SSL_CERT_FILE', async () => {
    const { KAFKA_SSL_CERT_FILE: _cert, KAFKA_SSL_KEY_FILE: _key, ...withoutCert } = broker.mutualTls;
    const admin = securedClient(adapter, { ...withoutCert, ...PATIENT }).admin();
    onTestFinished(() => admin.disconnect());
    await expect(admin.connect()).rejects.toMatchObject({
      code: 'SY_KAFKA_AUTH_FAILED',
      message: expect.stringMatching(/refused the TLS client certificate: the client sent no client certificate \(KAFKA_SSL_CERT_FILE is not set\); TLS alert/),
      hint: expect.stringContaining('KAFKA_SSL_CERT_FILE'),
    });
  });

  it('on the mutual-TLS listener, a client certificate from a CA the broker does not trust fails the same way', async () => {
    const rogue = await foreignCa();
    const admin = securedClient(adapter, { ...broker.mutualTls, ...PATIENT, KAFKA_SSL_CERT_FILE: rogue.cert, KAFKA_SSL_KEY_FILE: rogue.key }).admin();
    onTestFinished(() => admin.disconnect());
    await expect(admin.connect()).rejects.toMatchObject({
      code: 'SY_KAFKA_AUTH_FAILED',
      message: expect.stringContaining('the client sent the certificate in KAFKA_SSL_CERT_FILE; TLS alert'),
    });
  });

  it('KAFKA_SSL_REJECT_UNAUTHORIZED=false connects without the CA and logs a warning naming the setting', async () => {
    const { KAFKA_SSL_CA_FILE: _ca, ...withoutCa } = broker.scramTls;
    const { logger, lines } = capturedLogger('unchecked');
    const client = createKafkaClient(kafkaSettingsFromEnv({ ...withoutCa, KAFKA_SSL: 'true', KAFKA_SSL_REJECT_UNAUTHORIZED: 'false', KAFKA_CLIENT: adapter }), logger);
    const admin = client.admin();
    await admin.connect();
    onTestFinished(() => admin.disconnect());
    expect(await admin.listTopics()).toEqual(expect.any(Array));
    expect(lines).toContainEqual(expect.objectContaining({ level: 40, msg: expect.stringContaining('KAFKA_SSL_REJECT_UNAUTHORIZED=false') }));
  });
});
