import { describe, expect, it } from 'vitest';
import { parseReplayOptions, ReplayStats, type ReplayPlan } from '@switchyard/ops';
import { SwitchyardError } from '@switchyard/protocol';
import { ReplayJob } from './replay-job.js';

const options = parseReplayOptions({ topic: 'orders', partition: ['0', '1'], fromOffset: ['0', '0'], toOffset: [], type: [], tenant: [], header: [], where: [], toTopic: 'scratch' }, Date.now());
const plan: ReplayPlan = {
  topic: 'orders',
  group: `switchyard.replay.${options.id}`,
  resumed: false,
  partitions: [
    { partition: 0, start: 0n, end: 100n, position: 0n },
    { partition: 1, start: 0n, end: 100n, position: 50n },
  ],
};
const job = () => new ReplayJob('job-1', options, plan);

describe('ReplayJob', () => {
  it('goes queued -> running -> completed, with progress from the stats and 100 % once complete', () => {
    const j = job();
    expect(j.view()).toMatchObject({ state: 'queued', startedAt: null, progress: { total: 150, read: 0, percent: 0 } });
    j.started();
    const stats = new ReplayStats();
    stats.countRead(0, 60, 60);
    stats.countWritten(0, 60);
    j.progressed(stats);
    expect(j.view()).toMatchObject({ state: 'running', progress: { read: 60, written: 60, percent: 40, partitions: [{ partition: 0, read: 60, written: 60 }, { partition: 1, read: 0, resumedAt: '50' }] } });
    j.ended({ stats, complete: true, samples: [] });
    expect(j.view()).toMatchObject({ state: 'completed', progress: { percent: 100 }, error: null, finishedAt: expect.any(String) });
  });

  it('is cancelled at once while queued, after the run stops while running; a finished job refuses', () => {
    const queued = job();
    queued.cancel();
    expect([queued.state, queued.signal.aborted]).toEqual(['cancelled', true]);
    expect(() => queued.cancel()).toThrow(expect.objectContaining({ code: 'SY_OPERATION_REFUSED' }));

    const running = job();
    running.started();
    running.cancel();
    expect(running.state).toBe('running');
    running.ended({ stats: new ReplayStats(), complete: false, samples: [] });
    expect(running.state).toBe('cancelled');
    expect(() => running.started()).toThrow(SwitchyardError);
  });

  it('records a failure as {code, message, field}; what a cancelled run throws is the cancellation', () => {
    const failed = job();
    failed.started();
    failed.failed(new SwitchyardError('SY_KAFKA_UNAVAILABLE', 'broker gone'));
    expect(failed.view()).toMatchObject({ state: 'failed', error: { code: 'SY_KAFKA_UNAVAILABLE', message: 'broker gone', field: null } });
    const hidden = job();
    hidden.started();
    hidden.failed(new TypeError('secret internals'));
    expect(hidden.view().error).toEqual({ code: 'SY_INTERNAL', message: expect.not.stringContaining('secret'), field: null });
    const stopped = job();
    stopped.started();
    stopped.cancel();
    stopped.failed(new Error('producer fenced while stopping'));
    expect(stopped.state).toBe('cancelled');
  });

  it('a run that ends incomplete without a cancel failed (interrupted)', () => {
    const j = job();
    j.started();
    j.ended({ stats: new ReplayStats(), complete: false, samples: [] });
    expect(j.view()).toMatchObject({ state: 'failed', error: { code: 'SY_OPERATION_INTERRUPTED' } });
  });
});
