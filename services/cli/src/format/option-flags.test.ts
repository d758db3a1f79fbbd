import { describe, expect, it } from 'vitest';
import { parseReplayOptions, resetStrategyOf, type ReplayFlags } from '@switchyard/ops';
import { withFlagNames } from './option-flags.js';

const replayFlags = (extra: Partial<ReplayFlags>): ReplayFlags => ({ topic: 'orders', partition: [], fromOffset: [], toOffset: [], type: [], tenant: [], header: [], where: [], ...extra });
const messageOf = (run: () => unknown): string => {
  try {
    run();
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('did not throw');
};

describe('withFlagNames', () => {
  it("shows the engine's option names as the CLI's flags", () => {
    expect(withFlagNames(messageOf(() => parseReplayOptions(replayFlags({ partition: ['0'], fromOffset: ['9'], toOffset: ['3'] }), 0)))).toBe('--to-offset 3 is before --from-offset 9');
    expect(withFlagNames(messageOf(() => parseReplayOptions(replayFlags({ from: '1h', subscription: 'mailer', toTopic: 'x' }), 0)))).toBe('--to-topic cannot be combined with --subscription');
    expect(withFlagNames(messageOf(() => resetStrategyOf({ shiftBy: 'x' }, 0)))).toBe("--shift-by: 'x' is not an integer");
  });

  it('leaves backticked words that are not options, and plain words, as they are', () => {
    expect(withFlagNames('run `switchyard topics`; the topic and `nope` stay')).toBe('run `switchyard topics`; the topic and `nope` stay');
  });
});
