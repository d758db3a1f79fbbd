import { describe, expect, it } from 'vitest';
import { SwitchyardError } from '@switchyard/protocol';
import { createLogger } from '@switchyard/kafka';
import { RegistryOutage, isRegistryOutage } from './registry-outage.js';

const log = createLogger('registry-outage-test', { level: 'silent' });
const down = () => new SwitchyardError('SY_SCHEMA_REGISTRY_UNAVAILABLE', 'registry is unreachable');

/** A decode that fails with an outage until `up()` is called, counting its calls. */
function flakyRegistry() {
  let isUp = false;
  const calls = { n: 0 };
  const decode = async () => {
    calls.n++;
    if (!isUp) throw down();
    return 'payload';
  };
  return { decode, calls, up: () => void (isUp = true) };
}

describe('isRegistryOutage', () => {
  it('is a retriable SY_SCHEMA_REGISTRY_UNAVAILABLE only', () => {
    expect(isRegistryOutage(down())).toBe(true);
    expect(isRegistryOutage(new SwitchyardError('SY_SCHEMA_REGISTRY_UNAVAILABLE', '400 bad request', { retriable: false }))).toBe(false);
    expect(isRegistryOutage(new SwitchyardError('SY_UNDECODABLE_MESSAGE', 'unknown schema id'))).toBe(false);
    expect(isRegistryOutage(new Error('registry is unreachable'))).toBe(false);
  });
});

describe('RegistryOutage', () => {
  it('waits through an outage: the decodes that meet it share one probe, and all get their payload once it ends', async () => {
    const outage = new RegistryOutage({ subscription: 's' }, log);
    const registry = flakyRegistry();
    const signal = new AbortController().signal;
    const waiting = Array.from({ length: 5 }, () => outage.decode(registry.decode, signal));
    // The 5 decodes fail once each; then only the probe asks again (after 250 ms, then 500 ms).
    await expect.poll(() => registry.calls.n, { timeout: 5_000, interval: 10 }).toBe(7);
    expect(outage.down).toBe(true);
    registry.up();
    expect(await Promise.all(waiting)).toEqual(Array.from({ length: 5 }, () => ({ ok: true, value: 'payload' })));
    expect(outage.down).toBe(false);
    // At most the probe's success plus one more try for each of the 4 that waited.
    expect(registry.calls.n).toBeLessThanOrEqual(7 + 1 + 4);
  });

  it('passes other failures through at once, and gives up when stopped', async () => {
    const outage = new RegistryOutage({ route: 'r' }, log);
    const unknown = new SwitchyardError('SY_UNDECODABLE_MESSAGE', 'unknown schema id');
    expect(await outage.decode(() => Promise.reject(unknown), new AbortController().signal)).toEqual({ ok: false, error: unknown });
    const stop = new AbortController();
    const registry = flakyRegistry();
    const first = outage.decode(registry.decode, stop.signal);
    await expect.poll(() => outage.down, { timeout: 5_000, interval: 10 }).toBe(true);
    const second = outage.decode(registry.decode, stop.signal);
    stop.abort();
    expect(await Promise.all([first, second])).toEqual([{ ok: 'stopped' }, { ok: 'stopped' }]);
  });
});
