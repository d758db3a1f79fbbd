import net from 'node:net';
import tls from 'node:tls';
import { SwitchyardError } from '@switchyard/protocol';
import type { KafkaConnectionSettings } from './kafka.options.js';

/**
 * Warnings about connection settings that expose credentials or skip the broker's identity:
 * SASL PLAIN without TLS (the password travels in clear text) and TLS without certificate
 * checks. Every adapter logs them once when its client is created.
 */
export function connectionSecurityWarnings(settings: KafkaConnectionSettings): string[] {
  const warnings: string[] = [];
  if (settings.sasl?.mechanism === 'plain' && !settings.ssl) {
    warnings.push(
      'SASL PLAIN without TLS sends the Kafka password in clear text: set KAFKA_SSL=true (with KAFKA_SSL_CA_FILE), or use KAFKA_SASL_MECHANISM=scram-sha-512.',
    );
  }
  if (settings.ssl && !settings.ssl.rejectUnauthorized) {
    warnings.push(
      "KAFKA_SSL_REJECT_UNAUTHORIZED=false: the broker's TLS certificate is not checked, so anyone on the path can pose as the broker; point KAFKA_SSL_CA_FILE at its CA instead.",
    );
  }
  return warnings;
}

/** Node's codes for a peer certificate that failed verification (OpenSSL's X509 verify results). */
const UNTRUSTED_CERT_CODES = new Set([
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_SIGNATURE_FAILURE',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'INVALID_CA',
  'HOSTNAME_MISMATCH',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/** Node's codes for a TLS alert by which the broker refused the client's certificate (or its absence). */
const REFUSED_CLIENT_CERT_CODES = new Set([
  'ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE',
  'ERR_SSL_SSLV3_ALERT_CERTIFICATE_UNKNOWN',
  'ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED',
  'ERR_SSL_TLSV1_ALERT_UNKNOWN_CA',
  'ERR_SSL_SSLV3_ALERT_CERTIFICATE_EXPIRED',
  'ERR_SSL_SSLV3_ALERT_UNSUPPORTED_CERTIFICATE',
  // OpenSSL 3.5 (Node 24) names the alerts of TLS 1.3 and earlier alike: SSL/TLS_ALERT_...
  'ERR_SSL_SSL/TLS_ALERT_BAD_CERTIFICATE',
  'ERR_SSL_SSL/TLS_ALERT_CERTIFICATE_UNKNOWN',
  'ERR_SSL_SSL/TLS_ALERT_CERTIFICATE_REQUIRED',
  'ERR_SSL_SSL/TLS_ALERT_UNKNOWN_CA',
  'ERR_SSL_SSL/TLS_ALERT_CERTIFICATE_EXPIRED',
  'ERR_SSL_SSL/TLS_ALERT_UNSUPPORTED_CERTIFICATE',
]);

/** True when `code` (a Node TLS error code) says the broker refused the client certificate. */
export function isRefusedClientCertificateCode(code: unknown): boolean {
  return typeof code === 'string' && REFUSED_CLIENT_CERT_CODES.has(code);
}

/** `TLS alert "bad certificate" (ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE)` for a TLS alert's error code. */
export function tlsAlertReason(code: string | undefined): string {
  const alert = (code ?? '').replace(/^ERR_SSL_(SSLV3|TLSV13|TLSV1|SSL\/TLS)_ALERT_/, '').toLowerCase().replace(/_/g, ' ');
  return `TLS alert "${alert}" (${code})`;
}

/** SY_KAFKA_AUTH_FAILED for a client certificate the broker refused (mutual TLS). */
export function refusedClientCertificateError(broker: string, reason: string, settings: KafkaConnectionSettings, cause?: unknown): SwitchyardError {
  const sent = settings.ssl?.cert ? 'the certificate in KAFKA_SSL_CERT_FILE' : 'no client certificate (KAFKA_SSL_CERT_FILE is not set)';
  return new SwitchyardError('SY_KAFKA_AUTH_FAILED', `Kafka broker ${broker} refused the TLS client certificate: the client sent ${sent}; ${reason}.`, {
    hint: "Set KAFKA_SSL_CERT_FILE and KAFKA_SSL_KEY_FILE to a certificate signed by a CA the broker trusts (its ssl.truststore), or use the broker's SASL listener instead.",
    details: { broker, reason },
    cause,
  });
}

/** True when `code` (a Node TLS error code) says the broker's certificate was not trusted. */
export function isUntrustedCertificateCode(code: unknown): boolean {
  return typeof code === 'string' && UNTRUSTED_CERT_CODES.has(code);
}

/** SY_KAFKA_TLS_UNTRUSTED for a broker whose certificate failed verification. */
export function untrustedCertificateError(broker: string, reason: string, settings: KafkaConnectionSettings, cause?: unknown): SwitchyardError {
  const ca = settings.ssl?.ca ? 'the CA in KAFKA_SSL_CA_FILE' : "Node's default CAs (KAFKA_SSL_CA_FILE is not set)";
  return new SwitchyardError('SY_KAFKA_TLS_UNTRUSTED', `The TLS certificate of Kafka broker ${broker} is not trusted: ${reason} (checked against ${ca}).`, {
    hint: "Point KAFKA_SSL_CA_FILE at the PEM of the CA that signed the broker's certificate, and name the broker in KAFKA_BROKERS by a host its certificate lists.",
    details: { broker, reason },
    cause,
  });
}

/** SY_KAFKA_AUTH_FAILED for credentials the broker refused. */
export function authenticationFailedError(settings: KafkaConnectionSettings, reason: string, cause?: unknown): SwitchyardError {
  const who = settings.sasl ? `user '${settings.sasl.username}' (${settings.sasl.mechanism})` : 'the client';
  return new SwitchyardError('SY_KAFKA_AUTH_FAILED', `Kafka (${settings.brokers.join(',')}) refused the SASL authentication of ${who}: ${reason}`, {
    hint: 'Fix KAFKA_SASL_USERNAME / KAFKA_SASL_PASSWORD, or KAFKA_SASL_MECHANISM when the broker enables another mechanism.',
    details: { brokers: [...settings.brokers], ...(settings.sasl ? { username: settings.sasl.username, mechanism: settings.sasl.mechanism } : {}) },
    cause,
  });
}

function hostAndPort(broker: string): { host: string; port: number } {
  const at = broker.lastIndexOf(':');
  return { host: broker.slice(0, at).replace(/^\[|\]$/g, ''), port: Number(broker.slice(at + 1)) };
}

/** A Kafka ApiVersions v0 request (allowed before SASL): its answer proves the broker took our TLS side too. */
function apiVersionsRequest(clientId: string): Buffer {
  const id = Buffer.from(clientId);
  const body = Buffer.alloc(10 + id.length);
  body.writeInt16BE(18, 0); // ApiVersions
  body.writeInt16BE(0, 2); // version 0
  body.writeInt32BE(1, 4); // correlation id
  body.writeInt16BE(id.length, 8);
  id.copy(body, 10);
  const size = Buffer.alloc(4);
  size.writeInt32BE(body.length, 0);
  return Buffer.concat([size, body]);
}

/**
 * One TLS handshake with the first broker, with the client's own TLS settings, followed by an
 * ApiVersions request (under TLS 1.3 the broker judges the client certificate after the handshake).
 * A broker certificate that fails verification rejects with SY_KAFKA_TLS_UNTRUSTED, a client
 * certificate the broker refuses (or a missing one) with SY_KAFKA_AUTH_FAILED; anything else
 * (refused, timed out, answered) resolves, leaving reachability to the client. Clients that retry
 * connection errors (kafkajs retries every one of them, about 10 s) thereby fail at once on a
 * certificate that no retry can fix.
 */
export function checkBrokerCertificate(settings: KafkaConnectionSettings): Promise<void> {
  if (!settings.ssl) return Promise.resolve();
  const broker = settings.brokers[0]!;
  const { host, port } = hostAndPort(broker);
  const { ca, cert, key, rejectUnauthorized } = settings.ssl;
  return new Promise((resolve, reject) => {
    const socket = tls.connect({
      host,
      port,
      ...(net.isIP(host) ? {} : { servername: host }),
      ...(ca ? { ca } : {}),
      ...(cert ? { cert } : {}),
      ...(key ? { key } : {}),
      rejectUnauthorized,
    });
    const done = (error?: unknown) => {
      socket.destroy();
      if (error) reject(error);
      else resolve();
    };
    socket.setTimeout(settings.connectionTimeoutMs, () => done());
    socket.once('secureConnect', () => socket.write(apiVersionsRequest(settings.clientId)));
    socket.once('data', () => done());
    socket.once('close', () => done());
    socket.once('error', (error: NodeJS.ErrnoException) => {
      if (isUntrustedCertificateCode(error.code)) done(untrustedCertificateError(broker, `${error.message} (${error.code})`, settings, error));
      else if (isRefusedClientCertificateCode(error.code)) done(refusedClientCertificateError(broker, tlsAlertReason(error.code), settings, error));
      else done();
    });
  });
}

/** Opens a connection of a client (connect of a producer, consumer or admin) with the catalog's errors. */
export type Connector = (open: () => Promise<unknown>) => Promise<void>;

/**
 * The connector every adapter uses: before the first connection of a client, `accept` runs once
 * (by default the broker-certificate handshake of {@link checkBrokerCertificate}; a failure is
 * not remembered, the next connect tries again), then `open` runs and what it rejects with goes
 * through `mapError` (the adapter's mapping of its library's refusals to the catalog's codes).
 */
export function checkedConnector(
  settings: KafkaConnectionSettings,
  mapError: (error: unknown) => unknown,
  accept: () => Promise<void> = () => checkBrokerCertificate(settings),
): Connector {
  let accepted: Promise<void> | undefined;
  return async (open) => {
    accepted ??= accept().catch((error: unknown) => {
      accepted = undefined;
      throw error;
    });
    await accepted;
    try {
      await open();
    } catch (error) {
      throw mapError(error);
    }
  };
}
