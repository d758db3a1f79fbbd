/**
 * The codec's connection to the schema registry: `@kafkajs/confluent-schema-registry`'s
 * `SchemaRegistry` for registering, fetching by id, encoding and decoding, plus the one request the
 * library cannot make for us (`/config/<subject>`, see schema-registry-codec.ts), done with `fetch`.
 * Every failure comes back as a {@link RegistryFailure}, classified without reading message text.
 *
 * The library talks through mappersmith, which reports "no HTTP answer" (refused connection, reset,
 * timeout) as a response with status 400; the library's `ResponseError` keeps only that status (and
 * retries GETs a few times first), so a registry that is down would look like one that refused a
 * bad request. The library's `agent` option is the way in: our
 * agent notes each socket's error in the AsyncLocalStorage context of the library call that opened
 * it (one socket per attempt: no keep-alive), and ends a socket that stays silent for 10 s (the
 * library sets no timeout at all).
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import csr from '@kafkajs/confluent-schema-registry';
import type { LibraryAjvInstance } from './json-schema-compiler.js';

/** The library's client (its CJS default export holds the class). */
export type LibraryRegistry = InstanceType<typeof csr.SchemaRegistry>;

/** How a call to the registry went wrong, for the codec to turn into its own errors. */
export type RegistryFailure =
  /** No HTTP answer: refused, reset, unresolvable or silent for too long; `reason` says which. */
  | { readonly kind: 'unreachable'; readonly reason: string; readonly cause: unknown }
  /** The registry answered with a non-2xx status; `message` is its own reason. */
  | { readonly kind: 'answered'; readonly status: number; readonly message: string; readonly cause: unknown }
  /** The library refused by itself (validation, a schema it cannot load, a body that is not JSON...). */
  | { readonly kind: 'library'; readonly cause: unknown };

export type RegistryOutcome<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly failure: RegistryFailure };

/** A hand-made request's answer: status and parsed JSON body (or the text, or undefined). */
export interface RegistryAnswer {
  readonly status: number;
  readonly body: unknown;
}

/** Prefix of the library's HTTP error messages (`<clientId> - <registry's message>`). */
const CLIENT_ID = 'switchyard-events';
const REQUEST_TIMEOUT_MS = 10_000;
const CONFLUENT_JSON = 'application/vnd.schemaregistry.v1+json';

/** What one library call saw below HTTP: the error of the socket its latest attempt used. */
interface CallTrace {
  socketError?: Error;
}

const calls = new AsyncLocalStorage<CallTrace>();

export class RegistryClient {
  readonly #url: string;
  readonly #registry: LibraryRegistry;

  /** `url`: the Confluent-compatible base URL, without a trailing slash. */
  constructor(url: string, ajvInstance: LibraryAjvInstance) {
    this.#url = url;
    this.#registry = new csr.SchemaRegistry(
      { host: url, clientId: CLIENT_ID, agent: tracingAgent(url) },
      { [csr.SchemaType.JSON]: { ajvInstance } },
    );
  }

  /** Runs `call` on the library's client and classifies how it failed. */
  async library<T>(call: (registry: LibraryRegistry) => Promise<T>): Promise<RegistryOutcome<T>> {
    const trace: CallTrace = {};
    try {
      return { ok: true, value: await calls.run(trace, () => call(this.#registry)) };
    } catch (error) {
      return { ok: false, failure: classify(error, trace) };
    }
  }

  /** One hand-made request to the Confluent API (`path` below the base URL). */
  async request(method: 'GET' | 'PUT', path: string, body?: object): Promise<RegistryOutcome<RegistryAnswer>> {
    try {
      const response = await fetch(`${this.#url}${path}`, {
        method,
        headers: body === undefined ? { accept: CONFLUENT_JSON } : { accept: CONFLUENT_JSON, 'content-type': CONFLUENT_JSON },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
      return { ok: true, value: { status: response.status, body: parseJsonOrText(await response.text()) } };
    } catch (error) {
      // fetch rejects only when there is no answer (network error, timeout).
      const reason = (error as { cause?: { message?: string } }).cause?.message ?? (error as Error).message;
      return { ok: false, failure: { kind: 'unreachable', reason, cause: error } };
    }
  }
}

/**
 * The library throws mappersmith's `ResponseError` (`status`, `url`) for every HTTP failure; when
 * the socket of the latest attempt failed, that status is mappersmith's stand-in 400, not an answer.
 */
function classify(error: unknown, trace: CallTrace): RegistryFailure {
  const status = (error as { status?: unknown } | null)?.status;
  if (!(error instanceof Error) || typeof status !== 'number') return { kind: 'library', cause: error };
  if (trace.socketError) return { kind: 'unreachable', reason: trace.socketError.message, cause: trace.socketError };
  const prefix = `${CLIENT_ID} - `;
  return { kind: 'answered', status, message: error.message.startsWith(prefix) ? error.message.slice(prefix.length) : error.message, cause: error };
}

/** An agent without keep-alive whose sockets report their errors to the library call that opened them. */
function tracingAgent(url: string): http.Agent {
  const agent: http.Agent = url.startsWith('https:') ? new https.Agent() : new http.Agent();
  const createConnection = agent.createConnection.bind(agent);
  agent.createConnection = (options, callback) => {
    const trace = calls.getStore();
    if (trace) delete trace.socketError; // a new attempt: only its own failure counts
    const socket = createConnection(options, callback);
    if (socket instanceof net.Socket) {
      socket.once('error', (error) => {
        if (trace) trace.socketError = error;
      });
      socket.setTimeout(REQUEST_TIMEOUT_MS, () => socket.destroy(new Error(`no answer within ${REQUEST_TIMEOUT_MS} ms`)));
    }
    return socket;
  };
  return agent;
}

function parseJsonOrText(text: string): unknown {
  try {
    return text === '' ? undefined : JSON.parse(text);
  } catch {
    return text;
  }
}
