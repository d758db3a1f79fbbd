import type { EventEmitter } from 'node:events';
import { kGetConnection, NetworkError } from '@platformatic/kafka';
import { SwitchyardError } from '@switchyard/protocol';
import type { KafkaConnectionSettings } from '../kafka.options.js';
import {
  checkedConnector,
  type Connector,
  authenticationFailedError,
  isRefusedClientCertificateCode,
  isUntrustedCertificateCode,
  refusedClientCertificateError,
  tlsAlertReason,
  untrustedCertificateError,
} from '../connection-security.js';

interface LibraryError {
  name?: string;
  code?: unknown;
  message?: string;
  apiId?: string;
  cause?: unknown;
  errors?: unknown[];
}

/** Every error in a library error's tree (its causes and, for MultipleErrors, its members). */
function* errorTree(error: unknown, depth = 0): Generator<LibraryError> {
  if (!error || typeof error !== 'object' || depth > 8) return;
  const e = error as LibraryError;
  yield e;
  if (Array.isArray(e.errors)) for (const member of e.errors) yield* errorTree(member, depth + 1);
  yield* errorTree(e.cause, depth + 1);
}

/**
 * The catalog error for a refused connection: a SASL refusal (AuthenticationError, or the broker's
 * SASL_AUTHENTICATION_FAILED) is SY_KAFKA_AUTH_FAILED, Node's TLS verification codes down the
 * cause chain are SY_KAFKA_TLS_UNTRUSTED (broker certificate) or SY_KAFKA_AUTH_FAILED (client
 * certificate). Anything else is returned as it is.
 */
export function platformaticConnectError(error: unknown, settings: KafkaConnectionSettings): unknown {
  const broker = settings.brokers.join(',');
  for (const e of errorTree(error)) {
    if (e.name === 'SwitchyardError') return e;
    if (e.code === 'PLT_KFK_AUTHENTICATION' || e.apiId === 'SASL_AUTHENTICATION_FAILED') {
      const reason = [...errorTree(e)].map((x) => x.message).find((m) => m && !/^SASL authentication failed\.?$/.test(m)) ?? e.message ?? 'authentication failed';
      return authenticationFailedError(settings, reason, error);
    }
    if (isUntrustedCertificateCode(e.code)) return untrustedCertificateError(broker, `${e.message ?? ''} (${String(e.code)})`, settings, error);
    if (isRefusedClientCertificateCode(e.code)) return refusedClientCertificateError(broker, tlsAlertReason(e.code as string), settings, error);
  }
  return error;
}

/** True when `error` holds the broker's refusal of the SASL login (no retry can get past it). */
export function isRefusedLogin(error: unknown): boolean {
  for (const e of errorTree(error)) if (e.code === 'PLT_KFK_AUTHENTICATION' || e.apiId === 'SASL_AUTHENTICATION_FAILED') return true;
  return false;
}

/**
 * The library's retry delay for `error`, or its retry cancelled when the error is a refused login:
 * the library retries it (its connection error is retriable and it does not look at the cause),
 * `retries` times. Emitting 'client:close' right after the retry is armed cancels it (the library
 * listens for it while waiting) and the call fails with the refusal; the delay only bounds a
 * retry whose cancellation went missing.
 */
export function retryDelayUnlessRefused(client: object, error: unknown, delayMs: number): number {
  if (!isRefusedLogin(error)) return delayMs;
  // Every library client is an EventEmitter (the getter's type says only `object`).
  setImmediate(() => (client as EventEmitter).emit('client:close'));
  return 60_000;
}

export type { Connector } from '../connection-security.js';

/**
 * Checks the broker's certificate once per client (one handshake of our own: the library retries
 * connection errors, a refused certificate included), then opens, mapping refusals to the catalog.
 */
export function platformaticConnector(settings: KafkaConnectionSettings): Connector {
  return checkedConnector(settings, (error) => platformaticConnectError(error, settings));
}

/** The broker's error name (e.g. `CONCURRENT_TRANSACTIONS`) anywhere in a library error, if any. */
export function protocolErrorId(error: unknown): string | undefined {
  for (const e of errorTree(error)) if (typeof e.apiId === 'string') return e.apiId;
  return undefined;
}

/**
 * The library's error with the broker's error name added, as the other adapters report it: `type`
 * (e.g. `ILLEGAL_GENERATION`, `INVALID_PRODUCER_EPOCH`, what callers route on) and at the end of
 * the message (the library's own says only which API failed).
 */
export function withErrorType(error: unknown): unknown {
  const id = protocolErrorId(error);
  if (!id || !(error instanceof Error)) return error;
  const e = error as Error & { type?: string };
  if (e.type === undefined) {
    e.type = id;
    if (!e.message.includes(id)) e.message = `${e.message}: ${id}`;
  }
  return e;
}

/** The broker's own words for a protocol error (its error message, else the library's text of the code). */
export function brokerReason(error: unknown): string {
  for (const e of errorTree(error)) {
    const detail = e as LibraryError & { serverErrorMessage?: string | null };
    if (typeof detail.apiId === 'string') return `${detail.serverErrorMessage || detail.message || detail.apiId} [${detail.apiId}]`;
  }
  return (error as Error)?.message ?? String(error);
}

/**
 * True when the library's retry of a call cannot get past `error`: a broker that did not answer
 * (connection refused, closed or failed) or a coordinator that moved. The library retries
 * against what it looked up before the first attempt: a send's partition leaders, the producer's
 * transaction coordinator and the consumer's group coordinator are cached per client and never
 * looked up again, so only a new client gets past a dead broker.
 */
export function isDeadEnd(error: unknown, operation?: string): boolean {
  // The coordinator lookup itself is asked of any broker again on each retry (the library rotates
  // its bootstrap connection): COORDINATOR_NOT_AVAILABLE there means "not elected or loaded yet"
  // (a fresh cluster creating __transaction_state, a coordinator moving), which a retry gets past.
  if (operation === 'findCoordinator') return false;
  for (const e of errorTree(error)) {
    if (e.code === 'PLT_KFK_NETWORK' && (e as { canRetry?: boolean }).canRetry !== false) return true;
    if (e.apiId === 'NOT_COORDINATOR' || e.apiId === 'COORDINATOR_NOT_AVAILABLE') return true;
  }
  return false;
}

/** A library call that gave up (a dead end, or its deadline): SY_KAFKA_UNAVAILABLE, retriable, the library's error as cause. */
export function unavailableError(what: string, reason: string, cause?: unknown): SwitchyardError {
  const type = cause === undefined ? undefined : protocolErrorId(cause);
  return new SwitchyardError('SY_KAFKA_UNAVAILABLE', `${what}: ${reason}`, {
    hint: 'A broker was lost or a coordinator moved; the call can be made again (the client reconnects to the brokers that lead now).',
    details: { kafkaError: type ?? null },
    ...(cause === undefined ? {} : { cause: withErrorType(cause) }),
  });
}

/**
 * `call`'s promise, or SY_KAFKA_UNAVAILABLE once `ms` have passed without an answer (the library
 * call is left to settle on its own; its result is dropped).
 */
export function withDeadline<T>(what: string, ms: number, call: () => Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(unavailableError(`@platformatic/kafka ${what}`, `no answer within ${ms} ms (connection timeout + request timeout)`)), ms);
  });
  return Promise.race([Promise.resolve().then(call), expired]).finally(() => clearTimeout(timer));
}

type GetConnection = (broker: object | undefined, callback: (error: Error | null, connection?: unknown) => void) => void;

/**
 * A library client whose connection lookup answers a broker missing from its metadata (a node the
 * controller fenced, a partition without a leader yet: the library passes `undefined`) with a
 * retriable NetworkError. Unguarded, the library reads `undefined.host` and throws, and when that
 * runs in a socket callback it is an uncaught exception.
 */
export function guardConnections<T extends object>(client: T): T {
  const target = client as unknown as Record<symbol, GetConnection>;
  const get = target[kGetConnection]!.bind(client);
  target[kGetConnection] = (broker, callback) => {
    if (broker) return get(broker, callback);
    callback(new NetworkError('The broker is not in the cluster metadata (it left the cluster, or the partition has no leader yet).'));
  };
  return client;
}
