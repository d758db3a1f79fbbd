import { setTimeout as sleep } from 'node:timers/promises';
import { isSwitchyardError } from '@switchyard/protocol';
import type { Logger } from '@switchyard/kafka';

/** First wait after the registry fails, doubled on each failure in a row up to the longest. */
export const REGISTRY_OUTAGE_WAITS = Object.freeze({ firstMs: 250, longestMs: 10_000 });

/**
 * The registry is down or failing, not the record: SY_SCHEMA_REGISTRY_UNAVAILABLE marked retriable
 * (no answer, 5xx, 408, 429). An unknown schema id, a record that is not the wire format or a
 * payload its schema refuses are other codes: those records are dead-lettered.
 */
export function isRegistryOutage(error: unknown): boolean {
  return isSwitchyardError(error) && error.code === 'SY_SCHEMA_REGISTRY_UNAVAILABLE' && error.retriable;
}

export type DecodeOutcome<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: unknown } | { readonly ok: 'stopped' };

/**
 * Decoding through a schema registry that may be down. While it is, decoding waits and tries again
 * instead of failing: the event keeps its executor slot and its offset is not committed, so its
 * partition waits (and, once the lanes fill, is paused). The first decode to meet the outage
 * probes: it waits (250 ms, doubling up to 10 s) and tries its own decode again until the registry
 * answers; every other decode waits for that probe instead of asking the registry too, so an outage
 * costs one decode per wait, not one per buffered event.
 */
export class RegistryOutage {
  readonly #log: Logger;
  /** Who waits, for the log: `{ subscription }` or `{ route }`. */
  readonly #context: Readonly<Record<string, string>>;
  /** Open while a probe runs: resolves true when decoding may go on, false when stopping. */
  #gate: Promise<boolean> | undefined;

  constructor(context: Readonly<Record<string, string>>, log: Logger) {
    this.#context = context;
    this.#log = log;
  }

  /** True while the registry is known to be failing. */
  get down(): boolean {
    return this.#gate !== undefined;
  }

  /** Runs `decode` until it succeeds or fails for a reason other than an outage; `stopped` when `signal` aborts first. */
  async decode<T>(decode: () => Promise<T>, signal: AbortSignal): Promise<DecodeOutcome<T>> {
    for (;;) {
      if (this.#gate && !(await this.#gate)) return { ok: 'stopped' };
      if (signal.aborted) return { ok: 'stopped' };
      try {
        return { ok: true, value: await decode() };
      } catch (error) {
        if (!isRegistryOutage(error)) return { ok: false, error };
        if (!this.#gate) return this.#probe(decode, error, signal);
      }
    }
  }

  async #probe<T>(decode: () => Promise<T>, first: unknown, signal: AbortSignal): Promise<DecodeOutcome<T>> {
    let open!: (goOn: boolean) => void;
    this.#gate = new Promise<boolean>((resolve) => (open = resolve));
    const { firstMs, longestMs } = REGISTRY_OUTAGE_WAITS;
    const context = this.#context;
    let failures = 1;
    try {
      for (let error = first; ; failures++) {
        const ms = Math.min(longestMs, firstMs * 2 ** (failures - 1));
        if (failures === 1 || ms === longestMs) this.#log.warn({ ...context, err: error, failures, retryInMs: ms }, 'schema registry unavailable: events wait (not dead-lettered) and decoding is retried');
        if (!(await sleep(ms, true, { signal }).catch(() => false))) return { ok: 'stopped' };
        try {
          return { ok: true, value: await decode() };
        } catch (next) {
          if (!isRegistryOutage(next)) return { ok: false, error: next };
          error = next;
        }
      }
    } finally {
      this.#gate = undefined;
      open(!signal.aborted);
      if (!signal.aborted) this.#log.info({ ...context, failures }, 'schema registry answers again: decoding resumes');
    }
  }
}
