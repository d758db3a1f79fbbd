import { describe, expect, it } from 'vitest';
import { parseReplayOptions, replayIdOf, type ReplayFlags } from './replay.options.js';

const NOW = Date.UTC(2024, 4, 1, 12);
const flags = (extra: Partial<ReplayFlags>): ReplayFlags => ({ topic: 'orders', partition: [], fromOffset: [], toOffset: [], type: [], tenant: [], header: [], where: [], ...extra });

describe('parseReplayOptions', () => {
  it('reads offset ranges by position', () => {
    const options = parseReplayOptions(flags({ partition: ['0', '2'], fromOffset: ['10', '0'], toOffset: ['20', '5'] }), NOW);
    expect(options.selection).toEqual({ kind: 'offsets', ranges: [{ partition: 0, first: 10n, last: 20n }, { partition: 2, first: 0n, last: 5n }] });
    expect(options.toTopic).toBe('orders');
    expect(Object.isFrozen(options)).toBe(true);
  });

  it('reads a time range', () => {
    expect(parseReplayOptions(flags({ from: '2h', to: '30m' }), NOW).selection).toEqual({ kind: 'time', fromMs: NOW - 7_200_000, toMs: NOW - 1_800_000 });
  });

  it.each([
    [{}, /needs `from`/],
    [{ from: '2h', partition: ['0'], fromOffset: ['1'] }, /cannot be combined/],
    [{ partition: ['0'] }, /together/],
    [{ partition: ['0'], fromOffset: ['9'], toOffset: ['3'] }, /`toOffset` 3 is before `fromOffset` 9/],
    [{ from: '1h', to: '2h' }, /`to` .* is not after `from`/],
    [{ from: 'later' }, /^`from`: 'later'/],
    [{ from: '1h', rate: '0' }, /^`rate`: '0'/],
    [{ from: '1h', speed: 'fast' }, /^`speed`: 'fast'/],
    [{ from: '1h', where: ['nope'] }, /^`where`: 'nope'/],
    [{ from: '1h', id: 'a b' }, /^`id`: 'a b'/],
    [{ from: '1h', handlers: 'h1' }, /`handlers` only applies with `subscription`/],
    [{ from: '1h', subscription: 'mailer', toTopic: 'other' }, /`toTopic` cannot be combined with `subscription`/],
    [{ from: '1h', subscription: 'mailer', handlers: 'a,,b' }, /^`handlers`: 'a,,b'/],
    [{ from: '1h', subscription: 'Mailer.x' }, /^`subscription` expects/],
  ] as [Partial<ReplayFlags>, RegExp][])('rejects %j (exit 2)', (extra, message) => {
    expect(() => parseReplayOptions(flags(extra), NOW)).toThrow(expect.objectContaining({ code: 'SY_INVALID_ARGUMENT', message: expect.stringMatching(message) }));
  });
});

describe('parseReplayOptions --subscription', () => {
  it("targets the subscription's replay topic, with the handlers", () => {
    const options = parseReplayOptions(flags({ from: '2h', type: ['user.*'], subscription: 'mailer', handlers: 'h1, h2' }), NOW);
    expect(options.toTopic).toBe('switchyard.subscription.mailer.replay');
    expect(options.subscription).toEqual({ name: 'mailer', targetHandlers: ['h1', 'h2'] });
    expect(options.filter.types).toEqual(['user.*']);
  });

  it('targets every matching handler without --handlers', () => {
    expect(parseReplayOptions(flags({ from: '2h', subscription: 'mailer' }), NOW).subscription).toEqual({ name: 'mailer', targetHandlers: [] });
  });
});

describe('replayIdOf', () => {
  it('is the same for the same selection whatever the pacing, and differs otherwise', () => {
    const base = flags({ from: '2h', type: ['email.*'] });
    expect(replayIdOf(base)).toBe(replayIdOf({ ...base, rate: '100', speed: '2', dryRun: true }));
    expect(replayIdOf(base)).not.toBe(replayIdOf({ ...base, toTopic: 'other' }));
    expect(replayIdOf(base)).toMatch(/^[0-9a-f]{12}$/);
    expect(replayIdOf(base)).not.toBe(replayIdOf({ ...base, subscription: 'mailer' }));
    expect(replayIdOf({ ...base, subscription: 'mailer' })).not.toBe(replayIdOf({ ...base, subscription: 'mailer', handlers: 'h1' }));
  });

  it('stays what it was for a topic replay (ids of replays started before --subscription existed)', () => {
    expect(replayIdOf(flags({ from: '2h', type: ['email.*'] }))).toBe('eb6ba5404779');
  });
});
