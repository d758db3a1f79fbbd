import { readFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { SwitchyardError } from '@switchyard/protocol';
import { ensureLocalKafka, generateCa, type SecuredConnections } from '@switchyard/kafka-local';

/*
 * An external secured broker is named by two env files in the format deploy/kafka-local writes
 * (`KAFKA_*=value` lines): KAFKA_SECURED_SCRAM_ENV (SCRAM-SHA-512 over TLS: KAFKA_BROKERS,
 * KAFKA_SASL_*, KAFKA_SSL_CA_FILE) and KAFKA_SECURED_MTLS_ENV (mutual TLS: KAFKA_BROKERS,
 * KAFKA_SSL_CA_FILE, KAFKA_SSL_CERT_FILE, KAFKA_SSL_KEY_FILE). Their contents are validated by
 * kafkaSettingsFromEnv when a test builds its client.
 */

/** True when the env names an external secured broker (the tests then never start or stop one). */
export function externalSecuredKafkaGiven(env: NodeJS.ProcessEnv = process.env): boolean {
  return Boolean(env.KAFKA_SECURED_SCRAM_ENV || env.KAFKA_SECURED_MTLS_ENV);
}

function readEnvFile(variable: string, file: string): Record<string, string> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (cause) {
    throw new SwitchyardError('SY_INVALID_ENV', `${variable}: cannot read ${file}`, { hint: `Point ${variable} at an env file of KAFKA_* lines (what \`npm run kafka:up -- --secured\` writes).`, cause });
  }
  return Object.fromEntries(
    text
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => /^KAFKA_[A-Z_]+=/.test(line))
      .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
  );
}

/** Options of the local secured broker the tests start: one node, a small heap and the C1-only 'short-lived' JVM unless KAFKA_LOCAL_HEAP / KAFKA_LOCAL_JVM say otherwise. */
export function testSecuredKafkaOptions(env: NodeJS.ProcessEnv = process.env) {
  return { secured: true, brokers: 1, ...(env.KAFKA_LOCAL_HEAP ? {} : { heap: '384m' }), ...(env.KAFKA_LOCAL_JVM ? {} : { jvm: 'short-lived' as const }) } as const;
}

/**
 * The secured broker of the test run, as KAFKA_* settings of its two listeners (SCRAM-SHA-512 over
 * TLS, mutual TLS); feed them to `kafkaSettingsFromEnv`. With KAFKA_SECURED_SCRAM_ENV and
 * KAFKA_SECURED_MTLS_ENV set, that broker; else the local secured broker of deploy/kafka-local,
 * started on first use (about a minute on a busy 2-core machine) and reused by later test files.
 * The `int` project's secured-kafka global setup stops it after the run when this run started it.
 */
export async function testSecuredKafka(env: NodeJS.ProcessEnv = process.env): Promise<SecuredConnections> {
  if (externalSecuredKafkaGiven(env)) {
    const { KAFKA_SECURED_SCRAM_ENV: scram, KAFKA_SECURED_MTLS_ENV: mtls } = env;
    if (!scram || !mtls) {
      throw new SwitchyardError('SY_INVALID_ENV', 'KAFKA_SECURED_SCRAM_ENV and KAFKA_SECURED_MTLS_ENV go together: both name env files of the secured broker.', {
        hint: 'Set both (or neither, to let the tests start the local secured broker).',
      });
    }
    return {
      scramTls: readEnvFile('KAFKA_SECURED_SCRAM_ENV', scram),
      mutualTls: readEnvFile('KAFKA_SECURED_MTLS_ENV', mtls),
    };
  }
  const handle = await ensureLocalKafka(testSecuredKafkaOptions(env));
  if (!handle.secured) throw new Error('deploy/kafka-local started a broker without its secured settings');
  return handle.secured;
}

/**
 * PEM files (certificate, key) of a fresh self-signed CA that signed nothing the secured broker
 * holds: a client trusting only it must refuse the broker's certificate, and the broker must refuse
 * it as a client certificate. Made with openssl in a temporary folder.
 */
export async function foreignCa(): Promise<{ cert: string; key: string }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'switchyard-foreign-ca-'));
  return generateCa(dir, 'foreign-ca', '/O=Elsewhere/CN=Not the Switchyard local Kafka CA');
}
