/**
 * The CLI and a running event bus together: `dlq redrive --subscription` and `replay
 * --subscription --handlers` put events back into one subscription's handlers, and only the
 * handlers meant run.
 */
import { describe, expect, it, vi } from 'vitest';
import { eventLaneTopic } from '@switchyard/kafka';
import { UnrecoverableError } from '@switchyard/protocol';
import { setupEvents } from '@switchyard/testing';
import { runCli } from '../cli-process.test-support.js';

describe('CLI with a running subscription', () => {
  it('redrives dead events to the failed handler only, and replays a range to the named handlers only', async () => {
    const t = await setupEvents(2);
    const sub = t.sub();
    const runs: string[] = [];
    let fixed = false;
    const bus = t.bus();
    const n = (e: { payload: unknown }) => (e.payload as { n: number }).n;
    bus.subscribe(
      [
        {
          id: 'mailer',
          eventName: t.name('user.*'),
          retry: { maxRetries: 0, backoffMs: 10, backoffMultiplier: 1 },
          handler: async (e) => {
            runs.push(`mailer/${n(e)}`);
            if (!fixed && n(e) % 2 === 1) throw new UnrecoverableError(`mail ${n(e)} bounced`);
          },
        },
        { id: 'crm', eventName: t.name('user.*'), handler: async (e) => void runs.push(`crm/${n(e)}`) },
      ],
      sub,
    );
    await bus.start();
    const startedAt = new Date(Date.now() - 1_000).toISOString();
    await bus.publishMany(Array.from({ length: 6 }, (_, i) => t.event(t.name('user.created'), { n: i }, { tenantId: `t${i % 2}` })));
    await vi.waitFor(async () => expect((await bus.deadLetters(sub)).entries).toHaveLength(3), { timeout: 30_000, interval: 200 });
    expect(runs.filter((r) => r.startsWith('crm/'))).toHaveLength(6);

    // The bug is fixed: redrive the dead letters; only the mailer runs again, for 1, 3 and 5.
    fixed = true;
    runs.length = 0;
    const redrive = await runCli(['dlq', 'redrive', '--subscription', sub, '--yes', '--json']);
    expect(redrive.code, redrive.stderr).toBe(0);
    await vi.waitFor(() => expect([...runs].sort()).toEqual(['mailer/1', 'mailer/3', 'mailer/5']), { timeout: 30_000, interval: 100 });

    // Replay the whole range to the crm handler only.
    runs.length = 0;
    const replay = await runCli(['replay', '--topic', eventLaneTopic(t.domain, 'normal'), '--from', startedAt, '--subscription', sub, '--handlers', 'crm', '--json']);
    expect(replay.code, replay.stderr).toBe(0);
    await vi.waitFor(() => expect([...runs].sort()).toEqual([0, 1, 2, 3, 4, 5].map((i) => `crm/${i}`)), { timeout: 30_000, interval: 100 });
    expect(runs.some((r) => r.startsWith('mailer/'))).toBe(false);
  });
});
