import { parseOrThrow } from '@switchyard/protocol';
import { z } from 'zod';
import { TokenBucket } from './token-bucket.js';
import type { Clock } from './token-bucket.js';

/** Options of {@link TenantLimiter}. */
export const TenantLimiterOptionsSchema = z
  .object({
    maxPerTenant: z.number().min(0).finite().describe('Acquisitions allowed per tenant per durationMs'),
    durationMs: z.number().int().positive().describe('Window of the limit, in milliseconds'),
    maxTenants: z
      .number()
      .int()
      .positive()
      .default(10_000)
      .describe('Tenants remembered at once; the least recently used are forgotten beyond it'),
    now: z
      .custom<Clock>((value) => typeof value === 'function', 'Expected a function returning milliseconds')
      .optional()
      .describe('Clock in milliseconds (default: performance.now)'),
  })
  .describe('Options of the per-tenant rate limiter');

/** Input of {@link TenantLimiterOptionsSchema}. */
export type TenantLimiterOptions = z.input<typeof TenantLimiterOptionsSchema>;

/**
 * One {@link TokenBucket} per tenant, created on first use. Memory is bounded by `maxTenants`:
 * beyond it the least recently used tenant is forgotten. A forgotten tenant comes back with a
 * full bucket (it may burst once more); pending `take()` calls of an evicted bucket are still
 * served by that bucket.
 */
export class TenantLimiter {
  readonly #options: Omit<z.output<typeof TenantLimiterOptionsSchema>, 'maxPerTenant'>;
  #maxPerTenant: number;
  /** Map order = recency order (first = least recently used). */
  readonly #buckets = new Map<string, TokenBucket>();

  constructor(options: TenantLimiterOptions) {
    const parsed = parseOrThrow(TenantLimiterOptionsSchema, options, { code: 'SY_INVALID_CONFIG', what: 'TenantLimiterOptions' });
    this.#options = parsed;
    this.#maxPerTenant = parsed.maxPerTenant;
  }

  /** Takes a token of `tenant` if one is free now. */
  tryTake(tenant: string): boolean {
    return this.#bucket(tenant).tryTake();
  }

  /** Waits for a token of `tenant` (abortable, see {@link TokenBucket.take}). */
  take(tenant: string, signal?: AbortSignal): Promise<void> {
    return this.#bucket(tenant).take(signal);
  }

  /** Changes the per-tenant limit of every known and future tenant. */
  setRate(maxPerTenant: number): void {
    parseOrThrow(TenantLimiterOptionsSchema.shape.maxPerTenant, maxPerTenant, {
      code: 'SY_INVALID_CONFIG',
      what: 'TenantLimiter.maxPerTenant',
    });
    for (const bucket of this.#buckets.values()) bucket.setRate(maxPerTenant);
    this.#maxPerTenant = maxPerTenant;
  }

  /** Rejects every waiter of every tenant with `reason` (e.g. on shutdown). */
  cancelWaiters(reason: unknown): void {
    for (const bucket of this.#buckets.values()) bucket.cancelWaiters(reason);
  }

  /** Number of tenants remembered. */
  get size(): number {
    return this.#buckets.size;
  }

  /** Whether `tenant` is remembered (does not touch its recency). */
  has(tenant: string): boolean {
    return this.#buckets.has(tenant);
  }

  #bucket(tenant: string): TokenBucket {
    let bucket = this.#buckets.get(tenant);
    if (bucket !== undefined) {
      this.#buckets.delete(tenant);
      this.#buckets.set(tenant, bucket);
      return bucket;
    }
    const { durationMs, now } = this.#options;
    bucket = new TokenBucket({ max: this.#maxPerTenant, durationMs, now });
    this.#buckets.set(tenant, bucket);
    while (this.#buckets.size > this.#options.maxTenants) {
      const oldest = this.#buckets.keys().next().value as string;
      this.#buckets.delete(oldest);
    }
    return bucket;
  }
}
