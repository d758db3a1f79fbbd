import { parseOrThrow } from '@switchyard/protocol';
import { z } from 'zod';

/** Options of {@link KeyedExecutor}. */
export const KeyedExecutorOptionsSchema = z
  .object({
    concurrency: z.number().int().min(1).describe('Maximum number of tasks running at once'),
    perTenantConcurrency: z
      .number()
      .int()
      .min(1)
      .optional()
      .describe('Maximum number of tasks of one tenant running at once (unlimited when unset)'),
  })
  .describe('Options of the per-key executor');

/** Input of {@link KeyedExecutorOptionsSchema}. */
export type KeyedExecutorOptions = z.input<typeof KeyedExecutorOptionsSchema>;

interface Job {
  readonly key: string | undefined;
  readonly tenant: string | undefined;
  readonly fn: () => Promise<unknown>;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * Runs tasks with per-key ordering and global / per-tenant concurrency caps.
 *
 * A task passes three stages, and only the last one holds a concurrency slot:
 * 1. **key**: tasks with the same ordering key run strictly one after another, in submission
 *    order; the next one is released when its predecessor settles. No key = no constraint.
 * 2. **tenant**: at most `perTenantConcurrency` tasks of a tenant are admitted past this stage.
 * 3. **slot**: admitted tasks wait FIFO for one of `concurrency` slots.
 *
 * Tasks waiting in stage 1 or 2 never occupy a slot, so a key waiting for its predecessor or a
 * tenant at its cap cannot block other keys or tenants (no head-of-line blocking).
 * A failing fn rejects only its own `run()` promise and releases the key like a success.
 *
 * The slot stage is a FIFO of its own, not p-limit: every task passes it, and p-limit's promises,
 * closures and queue node per call were ~8% of a no-op worker's CPU (bench/README.md, profile of
 * 2026-12-07). A fn always starts on a microtask, never inside the caller's `run()`.
 */
export class KeyedExecutor {
  /** Admitted tasks waiting for a slot, in order; `#slotHead` is the next one (no shift() per start). */
  #slotQueue: Job[] = [];
  #slotHead = 0;
  readonly #perTenant: number | undefined;
  /** Per key: the head (admitted or running) followed by tasks waiting for it. */
  readonly #keyQueues = new Map<string, Job[]>();
  /** Per tenant: number of tasks admitted to the slot stage (waiting for a slot or running). */
  readonly #tenantAdmitted = new Map<string, number>();
  /** Per tenant: key-ready tasks waiting for the tenant cap. */
  readonly #tenantWaiting = new Map<string, Job[]>();
  #running = 0;
  #outstanding = 0;
  #idleWaiters: Array<() => void> = [];

  constructor(options: KeyedExecutorOptions) {
    const parsed = parseOrThrow(KeyedExecutorOptionsSchema, options, {
      code: 'SY_INVALID_CONFIG',
      what: 'KeyedExecutorOptions',
    });
    this.#perTenant = parsed.perTenantConcurrency;
    this.concurrency = parsed.concurrency;
  }

  readonly concurrency: number;

  /**
   * Room to hand over another task: fewer than `concurrency` tasks run or wait only for a slot,
   * and fewer than 10 x concurrency wait behind their key or tenant (plus `extraHeld` the caller
   * holds back elsewhere, e.g. tasks waiting for a rate-limit token). So a hot key or a capped
   * tenant never holds back other keys and tenants, and what waits stays bounded.
   */
  hasRoom(extraHeld = 0): boolean {
    const competing = this.active + this.waitingForSlot;
    const held = this.pending - this.waitingForSlot + extraHeld;
    return competing < this.concurrency && held < this.concurrency * 10;
  }

  /**
   * Runs `fn` once its key's predecessors have settled, its tenant is below its cap and a slot is
   * free. Resolves or rejects with `fn`'s outcome.
   */
  run<T>(orderingKey: string | undefined, tenant: string | undefined, fn: () => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.#submit({ key: orderingKey, tenant, fn, resolve: resolve as (value: unknown) => void, reject });
    });
  }

  /** Number of fns running now. */
  get active(): number {
    return this.#running;
  }

  /** Number of submitted tasks not running yet. */
  get pending(): number {
    return this.#outstanding - this.#running;
  }

  /**
   * Tasks ready to run that wait only for a free slot (not for their key's predecessor or their
   * tenant's cap). `active + waitingForSlot` is what competes for the concurrency.
   */
  get waitingForSlot(): number {
    return this.#slotQueue.length - this.#slotHead;
  }

  /** Resolves when no task is running or queued (immediately when idle). */
  onIdle(): Promise<void> {
    if (this.#outstanding === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  /** Diagnostics: keys with at least one task waiting for its predecessor, in first-seen order. */
  blockedKeys(): string[] {
    const keys: string[] = [];
    for (const [key, queue] of this.#keyQueues) if (queue.length > 1) keys.push(key);
    return keys;
  }

  /** Diagnostics: tenants with tasks waiting for the per-tenant cap. */
  blockedTenants(): string[] {
    return [...this.#tenantWaiting.keys()];
  }

  #submit(job: Job): void {
    this.#outstanding++;
    if (job.key === undefined) {
      this.#admitTenant(job);
      return;
    }
    const queue = this.#keyQueues.get(job.key);
    if (queue !== undefined) {
      queue.push(job);
      return;
    }
    this.#keyQueues.set(job.key, [job]);
    this.#admitTenant(job);
  }

  #admitTenant(job: Job): void {
    if (job.tenant === undefined || this.#perTenant === undefined) {
      this.#dispatch(job);
      return;
    }
    const admitted = this.#tenantAdmitted.get(job.tenant) ?? 0;
    if (admitted < this.#perTenant) {
      this.#tenantAdmitted.set(job.tenant, admitted + 1);
      this.#dispatch(job);
      return;
    }
    const waiting = this.#tenantWaiting.get(job.tenant);
    if (waiting === undefined) this.#tenantWaiting.set(job.tenant, [job]);
    else waiting.push(job);
  }

  /** Into the slot stage: starts on a microtask when a slot is free, else waits its turn. */
  #dispatch(job: Job): void {
    if (this.#running < this.concurrency && this.waitingForSlot === 0) {
      this.#running++;
      queueMicrotask(() => this.#start(job));
    } else {
      this.#slotQueue.push(job);
    }
  }

  /** Runs a job holding a slot (counted in #running by the caller). */
  #start(job: Job): void {
    let result: Promise<unknown>;
    try {
      // Promise.resolve: a plain-JS caller's fn may return a value, not a promise, as p-limit allowed.
      result = Promise.resolve(job.fn());
    } catch (error) {
      result = Promise.reject(error);
    }
    result.then(
      (value) => this.#finish(job, () => job.resolve(value)),
      (error: unknown) => this.#finish(job, () => job.reject(error)),
    );
  }

  /**
   * The job settled: its key and tenant let the next ones in (they queue for a slot behind those
   * already waiting), then its slot goes to the slot queue's head, and only then is the caller's
   * promise settled.
   */
  #finish(job: Job, settleCaller: () => void): void {
    this.#settle(job);
    this.#running--;
    if (this.waitingForSlot > 0) {
      const next = this.#slotQueue[this.#slotHead]!;
      this.#slotQueue[this.#slotHead++] = undefined as unknown as Job;
      if (this.#slotHead === this.#slotQueue.length) {
        this.#slotQueue = [];
        this.#slotHead = 0;
      } else if (this.#slotHead >= 1024 && this.#slotHead * 2 >= this.#slotQueue.length) {
        this.#slotQueue = this.#slotQueue.slice(this.#slotHead);
        this.#slotHead = 0;
      }
      this.#running++;
      queueMicrotask(() => this.#start(next));
    }
    settleCaller();
  }

  #settle(job: Job): void {
    this.#releaseTenant(job.tenant);
    this.#releaseKey(job.key);
    this.#outstanding--;
    if (this.#outstanding === 0) {
      const waiters = this.#idleWaiters;
      this.#idleWaiters = [];
      for (const resolve of waiters) resolve();
    }
  }

  #releaseTenant(tenant: string | undefined): void {
    if (tenant === undefined || this.#perTenant === undefined) return;
    const admitted = (this.#tenantAdmitted.get(tenant) ?? 1) - 1;
    if (admitted === 0) this.#tenantAdmitted.delete(tenant);
    else this.#tenantAdmitted.set(tenant, admitted);
    const waiting = this.#tenantWaiting.get(tenant);
    const next = waiting?.shift();
    if (waiting !== undefined && waiting.length === 0) this.#tenantWaiting.delete(tenant);
    if (next !== undefined) this.#admitTenant(next);
  }

  #releaseKey(key: string | undefined): void {
    if (key === undefined) return;
    const queue = this.#keyQueues.get(key);
    if (queue === undefined) return;
    queue.shift();
    const next = queue[0];
    if (next === undefined) this.#keyQueues.delete(key);
    else this.#admitTenant(next);
  }
}
