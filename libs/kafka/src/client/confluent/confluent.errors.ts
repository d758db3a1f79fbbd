/**
 * Errors of the Confluent client as the rest of Switchyard reads them: `type` is Kafka's protocol
 * error name (`INVALID_PRODUCER_EPOCH`, `PRODUCER_FENCED`, as kafkajs names them), and a refused
 * login or certificate fails `connect()` at once with the catalog's SY_KAFKA_AUTH_FAILED /
 * SY_KAFKA_TLS_UNTRUSTED instead of librdkafka's endless reconnects.
 */
import type { KafkaConnectionSettings } from '../kafka.options.js';
import { authenticationFailedError, checkBrokerCertificate, checkedConnector, refusedClientCertificateError, untrustedCertificateError, type Connector } from '../connection-security.js';
import { connectionConfig } from './confluent.config.js';
import { confluentModule } from './confluent.module.js';

/** librdkafka's local error codes the adapter tells apart. */
export const RD_KAFKA = {
  AUTHENTICATION: -169,
  SSL: -181,
  FENCED: -144,
  STATE: -172,
  CONFLICT: -173,
  NO_OFFSET: -168,
} as const;

/**
 * Sets `type` to Kafka's protocol name of the error: the binding names it after librdkafka's
 * constant (ERR_INVALID_PRODUCER_EPOCH), a fenced transactional producer is PRODUCER_FENCED.
 */
export function asKafkaError(error: unknown): unknown {
  if (typeof error !== 'object' || error === null) return error;
  const e = error as { code?: unknown; type?: unknown };
  if (e.code === RD_KAFKA.FENCED) e.type = 'PRODUCER_FENCED';
  else if (typeof e.type === 'string') {
    const name = e.type.replace(/^ERR_(?!_)/, '');
    e.type = PROTOCOL_NAMES[name] ?? name;
  }
  return error;
}

/** librdkafka's names that differ from Kafka's (and kafkajs') protocol error names. */
const PROTOCOL_NAMES: Record<string, string> = {
  UNKNOWN_TOPIC_OR_PART: 'UNKNOWN_TOPIC_OR_PARTITION',
  MSG_SIZE_TOO_LARGE: 'MESSAGE_TOO_LARGE',
  ERR__MSG_SIZE_TOO_LARGE: 'MESSAGE_TOO_LARGE',
  NOT_LEADER_FOR_PARTITION: 'NOT_LEADER_OR_FOLLOWER',
};

/** Rethrows what `operation` rejects with as {@link asKafkaError}. */
export async function kafkaCall<T>(operation: () => Promise<T>): Promise<T> {
  try {
    return await operation();
  } catch (error) {
    throw asKafkaError(error);
  }
}

/** librdkafka's SSL error text as the catalog error it is, or undefined. */
function sslError(message: string, settings: KafkaConnectionSettings, cause: unknown): Error | undefined {
  const broker = /(?:ssl|sasl_ssl):\/\/([^/]+)/i.exec(message)?.[1] ?? settings.brokers[0]!;
  if (/certificate verify failed|unable to get local issuer|self.signed/i.test(message)) return untrustedCertificateError(broker, message, settings, cause);
  const alert = /alert (bad certificate|certificate required|unknown ca|certificate unknown|certificate expired|unsupported certificate)/i.exec(message);
  if (alert) return refusedClientCertificateError(broker, `TLS alert "${alert[1]!.toLowerCase()}" (${message})`, settings, cause);
  return undefined;
}

/**
 * One short-lived native producer with the client's settings, held until its first metadata
 * answer: an authentication or TLS error librdkafka reports on the way rejects with the catalog's
 * error (librdkafka itself would reconnect until its timeout); anything else resolves, leaving
 * reachability to the client.
 */
function probeCredentials(settings: KafkaConnectionSettings): Promise<void> {
  const { Producer } = confluentModule();
  const probe = new Producer({ ...connectionConfig(settings), 'client.id': `${settings.clientId}-probe`, log_level: 0 });
  return new Promise<void>((resolve, reject) => {
    let settled = false;
    const done = (error?: Error) => {
      if (settled) return;
      settled = true;
      probe.disconnect(() => (error ? reject(error) : resolve()));
    };
    probe.on('event.error', (error: { code?: number; message: string }) => {
      if (error.code === RD_KAFKA.AUTHENTICATION) done(authenticationFailedError(settings, error.message, error));
      else if (error.code === RD_KAFKA.SSL || /SSL handshake failed/i.test(error.message)) {
        const mapped = sslError(error.message, settings, error);
        if (mapped) done(mapped);
      }
    });
    probe.connect({ timeout: settings.connectionTimeoutMs }, () => done());
  });
}

export type { Connector } from '../connection-security.js';

/**
 * Connects after the cluster accepted the client once (per client, by the broker-certificate
 * handshake of connection-security.ts and {@link probeCredentials}); maps what the binding's own
 * connect rejects with likewise.
 */
export function confluentConnector(settings: KafkaConnectionSettings): Connector {
  return checkedConnector(
    settings,
    (error) => {
      const e = error as { code?: number; message?: string };
      if (e.code === RD_KAFKA.AUTHENTICATION) return authenticationFailedError(settings, e.message ?? 'authentication failed', error);
      return (e.message && sslError(e.message, settings, error)) || asKafkaError(error);
    },
    async () => {
      await checkBrokerCertificate(settings);
      if (settings.sasl || settings.ssl) await probeCredentials(settings);
    },
  );
}
