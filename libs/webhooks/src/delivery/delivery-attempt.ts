import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { performance } from 'node:perf_hooks';
import { isSwitchyardError, parseOrThrow, type ErrorCode, type EventWebhookConfig } from '@switchyard/protocol';
import { signWebhook } from '../signing/webhook-signature.js';
import type { CheckedTarget, ResolvedAddress, SsrfGuard } from '../ssrf/ssrf-guard.js';
import { isIpLiteral } from '../ssrf/address-class.js';
import { authHeaders } from './auth-headers.js';
import { DeliveryAttemptOptionsSchema, type DeliveryAttemptOptions, type DeliveryAttemptOptionsInput } from './delivery-attempt.options.js';
import { parseRetryAfter } from './retry-after.js';

/** The longest delay setTimeout honours (about 24.8 days). */
const MAX_TIMER_MS = 2_147_483_647;

/** How one attempt ended. */
export type AttemptOutcome = 'succeeded' | 'failed' | 'timeout' | 'throttled' | 'gone' | 'refused';

/** The endpoint fields an attempt uses (a parsed EventWebhookConfig has them all). */
export type DeliveryEndpoint = Pick<EventWebhookConfig, 'url' | 'method' | 'headers' | 'authentication' | 'timeoutMs'>;

/** One delivery attempt to make. */
export interface DeliveryRequest {
  readonly endpoint: DeliveryEndpoint;
  /** Signing secrets: the current one, plus the previous one during a rotation. */
  readonly secrets: readonly string[];
  /** The `webhook-id`: stable across retries of one message (receivers deduplicate on it). */
  readonly messageId: string;
  /** The JSON body (not sent with GET; the signature then covers the empty body). */
  readonly body: string;
  /** 1 for the first attempt. */
  readonly attempt: number;
  /** Cancels the attempt (e.g. the dispatcher stopping): it ends at once as `failed`, "cancelled". */
  readonly signal?: AbortSignal;
}

/** What one attempt did: the delivery log's raw material. */
export interface DeliveryAttemptResult {
  readonly messageId: string;
  readonly attempt: number;
  readonly startedAt: string;
  /** Whole attempt, from the guard's check to the last byte read (or the failure), ms. */
  readonly latencyMs: number;
  readonly outcome: AttemptOutcome;
  /** The address the connection was pinned to (once the guard accepted the URL). */
  readonly address?: string;
  readonly statusCode?: number;
  /** The first `snippetBytes` of the response body (UTF-8). */
  readonly responseSnippet?: string;
  /** True when the body was longer than `maxResponseBytes` and was cut off. */
  readonly responseTruncated?: boolean;
  /** A 3xx's Location (redirects are never followed). */
  readonly location?: string;
  /** The wait a 429/503 asked for with Retry-After (capped). */
  readonly retryAfterMs?: number;
  /** Why it was not a success: a catalog code and a message. */
  readonly error?: { readonly code: ErrorCode; readonly message: string; readonly retriable: boolean };
}

interface RawResponse {
  readonly statusCode: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: Buffer;
  readonly truncated: boolean;
}

export interface WebhookDelivererOptions extends DeliveryAttemptOptionsInput {
  readonly guard: SsrfGuard;
  /** Connection pooling across attempts; default: a new connection per attempt. */
  readonly agent?: http.Agent;
  readonly now?: () => number;
}

/**
 * Makes single delivery attempts over node:http/https: the SSRF guard checks the URL and the
 * connection goes to the address it checked (pinned through the request's `lookup`, so a DNS
 * answer that changes in between cannot move it); Standard Webhooks headers, the endpoint's
 * method, headers and authentication; `timeoutMs` bounds the whole attempt; redirects are not
 * followed; at most `maxResponseBytes` of the answer are read. Never throws: every ending is an
 * {@link DeliveryAttemptResult} (see {@link planAfterAttempt} for what comes next).
 */
export class WebhookDeliverer {
  readonly options: DeliveryAttemptOptions;
  readonly #guard: SsrfGuard;
  readonly #agent: http.Agent | false;
  readonly #now: () => number;

  constructor({ guard, agent, now, ...options }: WebhookDelivererOptions) {
    this.options = parseOrThrow(DeliveryAttemptOptionsSchema, options, { code: 'SY_INVALID_CONFIG', what: 'DeliveryAttemptOptions' });
    this.#guard = guard;
    this.#agent = agent ?? false;
    this.#now = now ?? Date.now;
  }

  async attempt(request: DeliveryRequest): Promise<DeliveryAttemptResult> {
    const started = performance.now();
    const base = { messageId: request.messageId, attempt: request.attempt, startedAt: new Date(this.#now()).toISOString() };
    const deadline = new AbortController();
    // setTimeout fires at once beyond 2^31-1 ms; the protocol schema refuses such a timeoutMs, this guards endpoints built without it.
    const timer = setTimeout(() => deadline.abort(), Math.min(request.endpoint.timeoutMs, MAX_TIMER_MS));
    const cancel = () => deadline.abort();
    request.signal?.addEventListener('abort', cancel, { once: true });
    if (request.signal?.aborted) cancel();
    let address: string | undefined;
    try {
      const target = await untilAborted(this.#guard.check(request.endpoint.url), deadline.signal);
      address = target.pinned.address;
      const response = await this.#send(target, request, deadline.signal);
      return this.#classify({ ...base, address, latencyMs: elapsed(started) }, response);
    } catch (error) {
      const failed = { ...base, ...(address ? { address } : {}), latencyMs: elapsed(started) };
      if (request.signal?.aborted) return { ...failed, outcome: 'failed', error: errorOf('SY_WEBHOOK_DELIVERY_FAILED', 'The attempt was cancelled (the dispatcher is stopping).') };
      return failure(failed, error, deadline.signal.aborted, request.endpoint.timeoutMs);
    } finally {
      clearTimeout(timer);
      request.signal?.removeEventListener('abort', cancel);
    }
  }

  #send(target: CheckedTarget, request: DeliveryRequest, signal: AbortSignal): Promise<RawResponse> {
    const { url } = target;
    const { endpoint } = request;
    const body = endpoint.method === 'GET' ? '' : request.body;
    const headers: Record<string, string> = {
      ...lowerCaseKeys(endpoint.headers ?? {}),
      ...authHeaders(endpoint.authentication),
      host: url.host,
      'user-agent': this.options.userAgent,
      ...(body ? { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) } : {}),
      ...signWebhook({ id: request.messageId, timestamp: Math.floor(this.#now() / 1000), body, secrets: request.secrets }),
    };
    const secure = url.protocol === 'https:';
    const options: https.RequestOptions = {
      hostname: target.host,
      port: url.port || (secure ? 443 : 80),
      path: `${url.pathname}${url.search}`,
      method: endpoint.method,
      headers,
      agent: this.#agent,
      lookup: pinnedLookup(target.pinned),
      signal,
      ...(secure && !isIpLiteral(target.host) ? { servername: target.host } : {}),
    };
    return new Promise((resolve, reject) => {
      const req = (secure ? https : http).request(options, (res) => this.#read(res, resolve, reject));
      req.on('error', reject);
      req.end(body);
    });
  }

  #read(res: http.IncomingMessage, resolve: (r: RawResponse) => void, reject: (e: unknown) => void): void {
    const max = this.options.maxResponseBytes;
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const finish = (truncated: boolean) => {
      if (done) return;
      done = true;
      resolve({ statusCode: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks), truncated });
    };
    res.on('data', (chunk: Buffer) => {
      if (done) return;
      const room = max - size;
      chunks.push(chunk.length > room ? chunk.subarray(0, room) : chunk);
      size += Math.min(room, chunk.length);
      if (chunk.length > room) {
        finish(true);
        res.destroy();
      }
    });
    res.on('end', () => finish(false));
    res.on('error', (error) => {
      if (!done) reject(error);
    });
  }

  #classify(base: Pick<DeliveryAttemptResult, 'messageId' | 'attempt' | 'startedAt' | 'address' | 'latencyMs'>, response: RawResponse): DeliveryAttemptResult {
    const { statusCode } = response;
    const common = {
      ...base,
      statusCode,
      responseSnippet: response.body.subarray(0, this.options.snippetBytes).toString('utf8'),
      ...(response.truncated ? { responseTruncated: true } : {}),
    };
    if (statusCode >= 200 && statusCode < 300) return { ...common, outcome: 'succeeded' };
    if (statusCode === 410) return { ...common, outcome: 'gone', error: errorOf('SY_WEBHOOK_ENDPOINT_GONE', 'The endpoint answered 410 Gone; it is to be disabled.') };
    if (statusCode === 429 || statusCode === 503) {
      const retryAfterMs = parseRetryAfter(response.headers['retry-after'], this.#now(), this.options.retryAfterCapMs);
      const wait = retryAfterMs === undefined ? 'without Retry-After' : `with Retry-After (${retryAfterMs} ms)`;
      return { ...common, outcome: 'throttled', ...(retryAfterMs === undefined ? {} : { retryAfterMs }), error: errorOf('SY_WEBHOOK_THROTTLED', `The endpoint answered ${statusCode} ${wait}.`) };
    }
    if (statusCode >= 300 && statusCode < 400) {
      const location = response.headers.location;
      const to = location ? ` to ${location}` : '';
      return { ...common, outcome: 'failed', ...(location ? { location } : {}), error: errorOf('SY_WEBHOOK_DELIVERY_FAILED', `The endpoint answered ${statusCode} redirecting${to}; redirects are not followed.`) };
    }
    return { ...common, outcome: 'failed', error: errorOf('SY_WEBHOOK_DELIVERY_FAILED', `The endpoint answered ${statusCode}.`) };
  }
}

function failure(base: Pick<DeliveryAttemptResult, 'messageId' | 'attempt' | 'startedAt' | 'latencyMs' | 'address'>, error: unknown, timedOut: boolean, timeoutMs: number): DeliveryAttemptResult {
  if (timedOut) return { ...base, outcome: 'timeout', error: errorOf('SY_WEBHOOK_TIMEOUT', `No complete answer within timeoutMs (${timeoutMs} ms).`) };
  if (isSwitchyardError(error)) {
    const outcome: AttemptOutcome = error.code === 'SY_WEBHOOK_ADDRESS_REFUSED' ? 'refused' : 'failed';
    return { ...base, outcome, error: { code: error.code, message: error.message, retriable: error.retriable } };
  }
  const code = (error as { code?: unknown }).code;
  const reason = typeof code === 'string' ? `${code}: ${(error as Error).message}` : String((error as Error)?.message ?? error);
  return { ...base, outcome: 'failed', error: errorOf('SY_WEBHOOK_DELIVERY_FAILED', `The connection failed (${reason}).`) };
}

function errorOf(code: ErrorCode, message: string): NonNullable<DeliveryAttemptResult['error']> {
  return { code, message, retriable: code !== 'SY_WEBHOOK_ENDPOINT_GONE' };
}

/** A `lookup` that answers the checked address whatever name is asked (DNS pinning). */
function pinnedLookup(pinned: ResolvedAddress): LookupFunction {
  return ((_hostname: string, options: { all?: boolean }, callback: (...args: unknown[]) => void) => {
    if (options?.all) callback(null, [{ address: pinned.address, family: pinned.family }]);
    else callback(null, pinned.address, pinned.family);
  }) as LookupFunction;
}

function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new Error('aborted'));
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

function lowerCaseKeys(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
}

function elapsed(started: number): number {
  return Math.round((performance.now() - started) * 1000) / 1000;
}
