import net from 'node:net';
import type { BaseOptions, SASLOptions } from '@platformatic/kafka';
import type { KafkaConnectionSettings } from '../kafka.options.js';
import { retryDelayUnlessRefused } from './platformatic.errors.js';

const SASL_MECHANISMS = { plain: 'PLAIN', 'scram-sha-256': 'SCRAM-SHA-256', 'scram-sha-512': 'SCRAM-SHA-512' } as const;

/**
 * @platformatic/kafka's base options (brokers, client id, timeouts, SASL, TLS) for the connection
 * settings. `retries` bounds the library's own retry of retriable errors (a refused login or
 * certificate is mapped before it gets there, see platformatic.errors.ts).
 */
export function platformaticBaseOptions(settings: KafkaConnectionSettings): BaseOptions {
  const first = settings.brokers[0] ?? '';
  const host = first.slice(0, first.lastIndexOf(':')).replace(/^\[|\]$/g, '');
  return {
    clientId: settings.clientId,
    bootstrapBrokers: [...settings.brokers],
    connectTimeout: settings.connectionTimeoutMs,
    requestTimeout: settings.requestTimeoutMs,
    timeout: settings.requestTimeoutMs,
    retries: 10,
    retryDelay: (client, _operation, _attempt, _retries, error) => retryDelayUnlessRefused(client, error, 200),
    // Topics are created by ensureTopology, never by a produce or a metadata request.
    autocreateTopics: false,
    ...(settings.sasl
      ? { sasl: { mechanism: SASL_MECHANISMS[settings.sasl.mechanism], username: settings.sasl.username, password: settings.sasl.password } satisfies SASLOptions }
      : {}),
    ...(settings.ssl
      ? {
          tls: {
            rejectUnauthorized: settings.ssl.rejectUnauthorized,
            ...(settings.ssl.ca ? { ca: settings.ssl.ca } : {}),
            ...(settings.ssl.cert ? { cert: settings.ssl.cert } : {}),
            ...(settings.ssl.key ? { key: settings.ssl.key } : {}),
          },
          ...(net.isIP(host) ? {} : { tlsServerName: host }),
        }
      : {}),
  };
}
