import { describe, expect, it } from 'vitest';
import { AttemptGate } from './attempt-gate.js';

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

describe('AttemptGate', () => {
  it('passes an id nothing holds at once', async () => {
    await expect(new AttemptGate().pass('t1')).resolves.toBe(true);
  });

  it('holds an id until its abandoned handler settles, other ids pass; then forgets it', async () => {
    const gate = new AttemptGate();
    const handler = deferred();
    gate.hold('t1', handler.promise);
    let passed = false;
    const waiting = gate.pass('t1').then((ok) => (passed = ok));
    await expect(gate.pass('t2')).resolves.toBe(true);
    await Promise.resolve();
    expect(passed).toBe(false);
    handler.resolve();
    await waiting;
    expect(passed).toBe(true);
    expect(gate.size).toBe(0);
  });

  it('a held id waits for every abandoned handler of it', async () => {
    const gate = new AttemptGate();
    const [first, second] = [deferred(), deferred()];
    gate.hold('t1', first.promise);
    gate.hold('t1', second.promise);
    let passed = false;
    const waiting = gate.pass('t1').then((ok) => (passed = ok));
    second.resolve();
    await second.promise;
    await Promise.resolve();
    expect(passed).toBe(false);
    first.resolve();
    await waiting;
    expect(passed).toBe(true);
  });

  it('answers false when the signal aborts first (shutting down: the attempt is not made)', async () => {
    const gate = new AttemptGate();
    gate.hold('t1', new Promise<void>(() => undefined));
    const controller = new AbortController();
    const waiting = gate.pass('t1', controller.signal);
    controller.abort();
    await expect(waiting).resolves.toBe(false);
    await expect(gate.pass('t1', controller.signal)).resolves.toBe(false);
  });
});
