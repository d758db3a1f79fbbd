import { isSwitchyardError } from '@switchyard/protocol';
import { describe, expect, it } from 'vitest';
import { KeyedExecutor } from './keyed-executor.js';

interface Gate {
  readonly promise: Promise<void>;
  open(): void;
  fail(error: unknown): void;
}

function gate(): Gate {
  let open!: () => void;
  let fail!: (error: unknown) => void;
  const promise = new Promise<void>((resolve, reject) => {
    open = resolve;
    fail = reject;
  });
  return { promise, open, fail };
}

/** Drains all pending microtasks (no wall-clock time involved). */
const flush = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Submits a task that records when it starts and finishes only when its gate opens. */
function harness(executor: KeyedExecutor) {
  const started: string[] = [];
  const gates = new Map<string, Gate>();
  const submit = (name: string, key: string | undefined, tenant?: string) => {
    const g = gate();
    gates.set(name, g);
    return executor.run(key, tenant, async () => {
      started.push(name);
      await g.promise;
      return name;
    });
  };
  const finish = async (name: string) => {
    gates.get(name)!.open();
    await flush();
  };
  return { started, submit, finish, gates };
}

describe('KeyedExecutor', () => {
  it('runs tasks of one key strictly in submission order, one at a time', async () => {
    const ex = new KeyedExecutor({ concurrency: 10 });
    const h = harness(ex);
    const results = [h.submit('a1', 'A'), h.submit('a2', 'A'), h.submit('a3', 'A')];
    await flush();
    expect(h.started).toEqual(['a1']);
    expect(ex.active).toBe(1);
    expect(ex.pending).toBe(2);
    expect(ex.blockedKeys()).toEqual(['A']);
    await h.finish('a1');
    expect(h.started).toEqual(['a1', 'a2']);
    await h.finish('a2');
    await h.finish('a3');
    expect(await Promise.all(results)).toEqual(['a1', 'a2', 'a3']);
    expect(ex.blockedKeys()).toEqual([]);
  });

  it('keeps order when a later task of the key would finish faster', async () => {
    const ex = new KeyedExecutor({ concurrency: 4 });
    const order: string[] = [];
    const slow = gate();
    const first = ex.run('K', undefined, async () => {
      await slow.promise;
      order.push('slow');
    });
    const second = ex.run('K', undefined, async () => {
      order.push('fast');
    });
    await flush();
    expect(order).toEqual([]);
    slow.open();
    await Promise.all([first, second]);
    expect(order).toEqual(['slow', 'fast']);
  });

  it('runs different keys and unkeyed tasks in parallel', async () => {
    const ex = new KeyedExecutor({ concurrency: 10 });
    const h = harness(ex);
    h.submit('a', 'A');
    h.submit('b', 'B');
    h.submit('n1', undefined);
    h.submit('n2', undefined);
    await flush();
    expect(h.started).toEqual(['a', 'b', 'n1', 'n2']);
    expect(ex.active).toBe(4);
    expect(ex.pending).toBe(0);
  });

  it('never runs more than concurrency fns at once', async () => {
    const ex = new KeyedExecutor({ concurrency: 2 });
    const h = harness(ex);
    for (const n of ['t1', 't2', 't3', 't4']) h.submit(n, n);
    await flush();
    expect(h.started).toEqual(['t1', 't2']);
    expect(ex.active).toBe(2);
    expect(ex.pending).toBe(2);
    await h.finish('t2');
    expect(h.started).toEqual(['t1', 't2', 't3']);
    expect(ex.active).toBe(2);
  });

  it('never starts a fn inside run(), and gives freed slots to the waiting tasks first come first served', async () => {
    const ex = new KeyedExecutor({ concurrency: 1 });
    const h = harness(ex);
    h.submit('t1', undefined);
    expect(h.started).toEqual([]);
    expect(ex.active + ex.waitingForSlot).toBe(1);
    h.submit('t2', 'A');
    h.submit('t3', 'A');
    h.submit('t4', undefined);
    await flush();
    expect(h.started).toEqual(['t1']);
    expect(ex.waitingForSlot).toBe(2);
    await h.finish('t1');
    expect(h.started).toEqual(['t1', 't2']);
    // t2 frees key A: t3 queues for the slot behind t4, which was waiting first.
    await h.finish('t2');
    expect(h.started).toEqual(['t1', 't2', 't4']);
    await h.finish('t4');
    await h.finish('t3');
    expect(h.started).toEqual(['t1', 't2', 't4', 't3']);
    expect(ex.active + ex.pending).toBe(0);
  });

  it('keeps the slot order over many waiting tasks (its queue compacts as it drains)', async () => {
    const ex = new KeyedExecutor({ concurrency: 1 });
    const order: number[] = [];
    const runs = Array.from({ length: 5000 }, (_, i) => ex.run(undefined, undefined, async () => void order.push(i)));
    await Promise.all(runs);
    expect(order).toEqual(Array.from({ length: 5000 }, (_, i) => i));
    expect(ex.waitingForSlot).toBe(0);
  });

  it('does not let a key waiting for its predecessor hold a slot (no head-of-line blocking)', async () => {
    const ex = new KeyedExecutor({ concurrency: 2 });
    const h = harness(ex);
    h.submit('a1', 'A');
    h.submit('a2', 'A');
    h.submit('a3', 'A');
    h.submit('b1', 'B');
    await flush();
    expect(h.started).toEqual(['a1', 'b1']);
    expect(ex.active).toBe(2);
  });

  it('caps running tasks per tenant without blocking other tenants', async () => {
    const ex = new KeyedExecutor({ concurrency: 3, perTenantConcurrency: 1 });
    const h = harness(ex);
    h.submit('x1', 'k1', 'X');
    h.submit('x2', 'k2', 'X');
    h.submit('x3', undefined, 'X');
    h.submit('y1', 'k3', 'Y');
    h.submit('free', 'k4');
    await flush();
    expect(h.started).toEqual(['x1', 'y1', 'free']);
    expect(ex.blockedTenants()).toEqual(['X']);
    expect(ex.pending).toBe(2);
    await h.finish('x1');
    expect(h.started).toEqual(['x1', 'y1', 'free', 'x2']);
    await h.finish('x2');
    expect(h.started).toEqual(['x1', 'y1', 'free', 'x2', 'x3']);
    expect(ex.blockedTenants()).toEqual([]);
  });

  it('allows perTenantConcurrency tasks of a tenant at once', async () => {
    const ex = new KeyedExecutor({ concurrency: 10, perTenantConcurrency: 2 });
    const h = harness(ex);
    for (const n of ['t1', 't2', 't3']) h.submit(n, undefined, 'T');
    await flush();
    expect(h.started).toEqual(['t1', 't2']);
  });

  it('ignores the tenant when no perTenantConcurrency is set', async () => {
    const ex = new KeyedExecutor({ concurrency: 10 });
    const h = harness(ex);
    for (const n of ['t1', 't2', 't3']) h.submit(n, undefined, 'T');
    await flush();
    expect(h.started).toEqual(['t1', 't2', 't3']);
  });

  it('combines key order and tenant cap: the next task of a key queues behind its tenant', async () => {
    const ex = new KeyedExecutor({ concurrency: 5, perTenantConcurrency: 1 });
    const h = harness(ex);
    h.submit('a1', 'A', 'X');
    h.submit('a2', 'A', 'X');
    h.submit('b1', 'B', 'X');
    await flush();
    expect(h.started).toEqual(['a1']);
    await h.finish('a1');
    // b1 waited for the tenant cap before a2 became key-ready, so it goes first.
    expect(h.started).toEqual(['a1', 'b1']);
    await h.finish('b1');
    expect(h.started).toEqual(['a1', 'b1', 'a2']);
  });

  it('rejects only the failing run and releases its key', async () => {
    const ex = new KeyedExecutor({ concurrency: 1 });
    const boom = new Error('boom');
    const failing = ex.run('A', 'T', async () => {
      throw boom;
    });
    const next = ex.run('A', 'T', async () => 'next');
    const other = ex.run('B', 'T', async () => 'other');
    await expect(failing).rejects.toBe(boom);
    await expect(next).resolves.toBe('next');
    await expect(other).resolves.toBe('other');
    expect(ex.active).toBe(0);
    expect(ex.pending).toBe(0);
  });

  it('turns a synchronous throw into a rejection', async () => {
    const ex = new KeyedExecutor({ concurrency: 1 });
    const err = new Error('sync');
    const fn = (() => {
      throw err;
    }) as () => Promise<never>;
    await expect(ex.run('A', undefined, fn)).rejects.toBe(err);
    await expect(ex.run('A', undefined, async () => 1)).resolves.toBe(1);
  });

  it('onIdle resolves immediately when idle and after the last task otherwise', async () => {
    const ex = new KeyedExecutor({ concurrency: 2 });
    await expect(ex.onIdle()).resolves.toBeUndefined();
    const h = harness(ex);
    h.submit('a1', 'A');
    h.submit('a2', 'A');
    let idle = false;
    void ex.onIdle().then(() => {
      idle = true;
    });
    await h.finish('a1');
    expect(idle).toBe(false);
    await h.finish('a2');
    expect(idle).toBe(true);
    expect(ex.active).toBe(0);
    expect(ex.pending).toBe(0);
  });

  it('drops bookkeeping of finished keys and tenants', async () => {
    const ex = new KeyedExecutor({ concurrency: 2, perTenantConcurrency: 1 });
    await Promise.all(
      Array.from({ length: 50 }, (_, i) => ex.run(`k${i % 5}`, `t${i % 3}`, async () => i)),
    );
    expect(ex.blockedKeys()).toEqual([]);
    expect(ex.blockedTenants()).toEqual([]);
    expect(ex.pending).toBe(0);
  });

  it('keeps every key in order under a mixed load', async () => {
    const ex = new KeyedExecutor({ concurrency: 3, perTenantConcurrency: 2 });
    const seen = new Map<string, number[]>();
    let running = 0;
    let maxRunning = 0;
    const runs = Array.from({ length: 60 }, (_, i) => {
      const key = `k${i % 4}`;
      return ex.run(key, `t${i % 2}`, async () => {
        running++;
        maxRunning = Math.max(maxRunning, running);
        await flush();
        seen.set(key, [...(seen.get(key) ?? []), i]);
        running--;
      });
    });
    await Promise.all(runs);
    expect(maxRunning).toBe(3);
    for (let k = 0; k < 4; k++) {
      expect(seen.get(`k${k}`)).toEqual(Array.from({ length: 15 }, (_, j) => j * 4 + k));
    }
  });

  it('rejects invalid options with SY_INVALID_CONFIG', () => {
    for (const options of [{ concurrency: 0 }, { concurrency: 1.5 }, { concurrency: 2, perTenantConcurrency: 0 }]) {
      let caught: unknown;
      try {
        new KeyedExecutor(options);
      } catch (err) {
        caught = err;
      }
      expect(isSwitchyardError(caught) && caught.code).toBe('SY_INVALID_CONFIG');
    }
  });

  it('takes a fn that returns a plain value (a plain-JS caller), and one that throws, and frees the slot after each', async () => {
    const ex = new KeyedExecutor({ concurrency: 1 });
    const plain = () => 42 as unknown as Promise<number>;
    await expect(ex.run('K', undefined, plain)).resolves.toBe(42);
    await expect(
      ex.run('K', undefined, () => {
        throw new Error('sync throw');
      }),
    ).rejects.toThrow('sync throw');
    await expect(ex.run('K', undefined, async () => 'after')).resolves.toBe('after');
    expect(ex.active).toBe(0);
  });
});
