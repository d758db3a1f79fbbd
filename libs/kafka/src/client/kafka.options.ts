import { readFileSync } from 'node:fs';
import { inspect } from 'node:util';
import { z } from 'zod';
import { SwitchyardError } from '@switchyard/protocol';

const brokerAddress = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9.\-_[\]:]+:\d{1,5}$/, 'each broker must be host:port, e.g. 127.0.0.1:9092');

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'], { message: 'must be true or false' })
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const positiveMs = z.coerce.number().int('must be a whole number of milliseconds').positive('must be > 0');

/** Client libraries behind the port, by `KAFKA_CLIENT` name. */
export const KAFKA_CLIENTS = ['kafkajs', 'platformatic'] as const;
export type KafkaClientName = (typeof KAFKA_CLIENTS)[number];
/**
 * The client every process uses unless `KAFKA_CLIENT` names another: @platformatic/kafka, the only
 * adapter that passes the whole port contract with fencing (KIP-447) and awaited revocation; the
 * measurements and the reasoning are in bench/README.md ("Choosing the client").
 */
export const DEFAULT_KAFKA_CLIENT: KafkaClientName = 'platformatic';

/**
 * Connection settings of every Switchyard process, read from the environment once at start-up.
 * Field names are the environment variables.
 */
export const KafkaEnvSchema = z
  .object({
    /** Comma-separated bootstrap servers, `host:port,host:port`. */
    KAFKA_BROKERS: z
      .string({ message: 'is required: a comma-separated list of host:port' })
      .transform((v) => v.split(',').map((s) => s.trim()).filter(Boolean))
      .pipe(z.array(brokerAddress).min(1, 'must name at least one broker')),
    /** Client id sent to the brokers (shows in broker logs and quotas). */
    KAFKA_CLIENT_ID: z.string().regex(/^[A-Za-z0-9._-]{1,100}$/, 'may hold letters, digits, dot, dash, underscore').default('switchyard'),
    /** SASL mechanism; needs KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD. */
    KAFKA_SASL_MECHANISM: z.enum(['plain', 'scram-sha-256', 'scram-sha-512'], { message: 'must be plain, scram-sha-256 or scram-sha-512' }).optional(),
    KAFKA_SASL_USERNAME: z.string().min(1).optional(),
    KAFKA_SASL_PASSWORD: z.string().min(1).optional(),
    /** TLS on/off (default off; on when any KAFKA_SSL_* file is given). */
    KAFKA_SSL: bool.optional(),
    /** PEM files for TLS: CA bundle, client certificate and key (mutual TLS). */
    KAFKA_SSL_CA_FILE: z.string().min(1).optional(),
    KAFKA_SSL_CERT_FILE: z.string().min(1).optional(),
    KAFKA_SSL_KEY_FILE: z.string().min(1).optional(),
    /** Verify the broker's certificate (default true). */
    KAFKA_SSL_REJECT_UNAUTHORIZED: bool.default(true),
    /** Which client library talks to Kafka (see create-kafka-client.ts and bench/README.md). */
    KAFKA_CLIENT: z.enum(KAFKA_CLIENTS, { message: `must be one of ${KAFKA_CLIENTS.join(', ')}` }).default(DEFAULT_KAFKA_CLIENT),
    /**
     * Consumer group protocol: `classic` (join/sync, client-side assignment) or `consumer`
     * (KIP-848, broker-side assignment; only with a client that speaks it: none in this build yet).
     */
    KAFKA_GROUP_PROTOCOL: z.enum(['classic', 'consumer'], { message: 'must be classic or consumer' }).default('classic'),
    KAFKA_CONNECTION_TIMEOUT_MS: positiveMs.default(3_000),
    KAFKA_REQUEST_TIMEOUT_MS: positiveMs.default(30_000),
  })
  .superRefine((env, ctx) => {
    if (env.KAFKA_SASL_MECHANISM && (!env.KAFKA_SASL_USERNAME || !env.KAFKA_SASL_PASSWORD)) {
      ctx.addIssue({
        code: 'custom',
        path: [env.KAFKA_SASL_USERNAME ? 'KAFKA_SASL_PASSWORD' : 'KAFKA_SASL_USERNAME'],
        message: 'is required when KAFKA_SASL_MECHANISM is set',
      });
    }
    if (!env.KAFKA_SASL_MECHANISM && (env.KAFKA_SASL_USERNAME || env.KAFKA_SASL_PASSWORD)) {
      ctx.addIssue({ code: 'custom', path: ['KAFKA_SASL_MECHANISM'], message: 'is required when a SASL username or password is set' });
    }
    if (Boolean(env.KAFKA_SSL_CERT_FILE) !== Boolean(env.KAFKA_SSL_KEY_FILE)) {
      ctx.addIssue({ code: 'custom', path: ['KAFKA_SSL_KEY_FILE'], message: 'KAFKA_SSL_CERT_FILE and KAFKA_SSL_KEY_FILE go together (mutual TLS)' });
    }
  });

/**
 * Validated connection settings, frozen. `sasl.password` and `ssl.key` are secrets: settings made
 * by `kafkaSettingsFromEnv` (or passed through `hideSettingsSecrets`) print them as [Redacted].
 */
export interface KafkaConnectionSettings {
  readonly brokers: readonly string[];
  readonly clientId: string;
  readonly sasl?: { readonly mechanism: 'plain' | 'scram-sha-256' | 'scram-sha-512'; readonly username: string; readonly password: string };
  readonly ssl?: { readonly ca?: string; readonly cert?: string; readonly key?: string; readonly rejectUnauthorized: boolean };
  readonly connectionTimeoutMs: number;
  readonly requestTimeoutMs: number;
  /** Client library (default {@link DEFAULT_KAFKA_CLIENT}). */
  readonly client?: KafkaClientName;
  /** Consumer group protocol (default classic). */
  readonly groupProtocol?: 'classic' | 'consumer';
}

const HIDDEN = '[Redacted]';

/** A copy of `part` whose `secret` field reads as [Redacted] in JSON and util.inspect. */
function hidden<T extends object>(part: T, secret: keyof T & string): T {
  const copy = { ...part };
  const shown = () => ({ ...part, ...(part[secret] === undefined ? {} : { [secret]: HIDDEN }) });
  // Non-enumerable: a spread or a structured clone (a worker thread's settings) still carries the
  // secret and leaves these two behind.
  Object.defineProperty(copy, 'toJSON', { value: shown, enumerable: false });
  Object.defineProperty(copy, inspect.custom, { value: () => shown(), enumerable: false });
  return Object.freeze(copy);
}

/**
 * The same settings with the SASL password and the TLS private key hidden from JSON.stringify
 * (pino, --json output, error details) and from util.inspect (console.log), at any nesting depth;
 * the adapter still reads them (`settings.sasl.password`). `kafkaSettingsFromEnv` returns settings
 * in this form; call it on settings received from a worker thread, whose structured clone drops
 * the hiding.
 */
export function hideSettingsSecrets(settings: KafkaConnectionSettings): KafkaConnectionSettings {
  return Object.freeze({
    ...settings,
    ...(settings.sasl ? { sasl: hidden(settings.sasl, 'password') } : {}),
    ...(settings.ssl ? { ssl: hidden(settings.ssl, 'key') } : {}),
  });
}

function readPem(variable: string, file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (cause) {
    throw new SwitchyardError('SY_INVALID_ENV', `${variable}: cannot read ${file}`, { hint: `Point ${variable} at a readable PEM file.`, cause });
  }
}

/**
 * Reads Kafka connection settings from the environment (or an explicit record), failing fast with
 * every bad variable named and its expected form.
 */
export function kafkaSettingsFromEnv(env: Record<string, string | undefined> = process.env): KafkaConnectionSettings {
  const present = Object.fromEntries(Object.entries(env).filter(([k, v]) => k.startsWith('KAFKA_') && v !== undefined && v !== ''));
  const parsed = KafkaEnvSchema.safeParse(present);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `${issue.path.join('.') || 'env'}: ${issue.message}`);
    throw new SwitchyardError('SY_INVALID_ENV', `Invalid Kafka settings:\n  ${lines.join('\n  ')}`, {
      hint: 'Fix the variables named above (see README, "Configuration").',
      details: { issues: parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })) },
    });
  }
  const e = parsed.data;
  const tls = e.KAFKA_SSL ?? Boolean(e.KAFKA_SSL_CA_FILE || e.KAFKA_SSL_CERT_FILE);
  const settings: KafkaConnectionSettings = {
    brokers: e.KAFKA_BROKERS,
    clientId: e.KAFKA_CLIENT_ID,
    connectionTimeoutMs: e.KAFKA_CONNECTION_TIMEOUT_MS,
    requestTimeoutMs: e.KAFKA_REQUEST_TIMEOUT_MS,
    client: e.KAFKA_CLIENT,
    groupProtocol: e.KAFKA_GROUP_PROTOCOL,
    ...(e.KAFKA_SASL_MECHANISM && e.KAFKA_SASL_USERNAME && e.KAFKA_SASL_PASSWORD
      ? { sasl: { mechanism: e.KAFKA_SASL_MECHANISM, username: e.KAFKA_SASL_USERNAME, password: e.KAFKA_SASL_PASSWORD } }
      : {}),
    ...(tls
      ? {
          ssl: {
            rejectUnauthorized: e.KAFKA_SSL_REJECT_UNAUTHORIZED,
            ...(e.KAFKA_SSL_CA_FILE ? { ca: readPem('KAFKA_SSL_CA_FILE', e.KAFKA_SSL_CA_FILE) } : {}),
            ...(e.KAFKA_SSL_CERT_FILE ? { cert: readPem('KAFKA_SSL_CERT_FILE', e.KAFKA_SSL_CERT_FILE) } : {}),
            ...(e.KAFKA_SSL_KEY_FILE ? { key: readPem('KAFKA_SSL_KEY_FILE', e.KAFKA_SSL_KEY_FILE) } : {}),
          },
        }
      : {}),
  };
  return hideSettingsSecrets(settings);
}
