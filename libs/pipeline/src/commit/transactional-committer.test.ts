import { describe, expect, it, vi } from 'vitest';
import { createLogger, type ProducerPort, type TransactionPort } from '@switchyard/kafka';
import { inMemoryTransactions } from '@switchyard/testing';
import { OffsetTrackers } from '../offsets/offset-tracker.js';
import { commitHealth, commitStallThresholdMs, MAX_RETRY_PAUSE_MS, retryPauseMs, TransactionalCommitter } from './transactional-committer.js';

const log = createLogger('committer-health-test', { level: 'silent' });

describe('commitHealth: /healthz of the committer', () => {
  const threshold = commitStallThresholdMs(100, 10_000);

  it('allows one commit interval plus the transaction timeout', () => {
    expect(threshold).toBe(10_100);
  });

  it('is ok while transactions land and work waits no longer than the threshold', () => {
    expect(commitHealth({ lastFailed: false, stalledMs: 0, consecutiveFailures: 0 }, threshold)).toEqual({ ok: true });
    expect(commitHealth({ lastFailed: false, stalledMs: threshold, consecutiveFailures: 0 }, threshold)).toEqual({ ok: true });
  });

  it('is not ok while the last transaction failed, however recent', () => {
    expect(commitHealth({ lastFailed: true, stalledMs: 5, consecutiveFailures: 1 }, threshold)).toMatchObject({ ok: false, reason: expect.stringContaining('last transaction failed (1 in a row)') });
  });

  it('is not ok once work has waited past the threshold with no commit (a hung transaction fails nothing)', () => {
    expect(commitHealth({ lastFailed: false, stalledMs: threshold + 1, consecutiveFailures: 0 }, threshold)).toMatchObject({ ok: false, reason: expect.stringContaining(`waited ${threshold + 1} ms`) });
  });
});

/** A producer behind the port whose transactions commit, fail or hang as told. */
function scriptedProducer(): { producer: ProducerPort; next: (how: 'commit' | 'fail' | 'hang') => void } {
  let how: 'commit' | 'fail' | 'hang' = 'commit';
  const tx: TransactionPort = {
    send: async () => [],
    sendEncoded: async () => undefined,
    sendOffsets: async () => undefined,
    commit: async () => {
      if (how === 'fail') throw new Error('coordinator gone');
    },
    abort: async () => undefined,
  };
  const producer: ProducerPort = {
    connect: async () => undefined,
    disconnect: async () => undefined,
    send: async () => [],
    transaction: () => (how === 'hang' ? new Promise<TransactionPort>(() => undefined) : Promise.resolve(tx)),
  };
  return { producer, next: (h) => void (how = h) };
}

describe('TransactionalCommitter.commitState', () => {
  const setup = () => {
    let now = 1_000;
    const { producer, next } = scriptedProducer();
    const committer = new TransactionalCommitter({
      producer,
      consumer: { groupMetadata: () => ({ groupId: 'g', generationId: 1, memberId: 'm' }) },
      trackers: new OffsetTrackers(),
      intervalMs: 60_000,
      log,
      now: () => now,
    });
    const outcome = () => ({ records: [{ topic: 'out', record: { key: 'k', value: 'v' } }], complete: () => undefined });
    return { committer, next, outcome, advance: (ms: number) => void (now += ms) };
  };

  it('counts the wait of finished work from its submit until a commit lands; a failed transaction shows until the next one commits', async () => {
    const { committer, next, outcome, advance } = setup();
    expect(committer.commitState()).toEqual({ lastFailed: false, stalledMs: 0, consecutiveFailures: 0 });
    const done = committer.submit(outcome());
    advance(300);
    expect(committer.commitState().stalledMs).toBe(300);

    next('fail');
    await committer.flush();
    advance(200);
    expect(committer.commitState()).toEqual({ lastFailed: true, stalledMs: 500, consecutiveFailures: 1 });

    next('commit');
    await committer.flush();
    await done;
    expect(committer.commitState()).toEqual({ lastFailed: false, stalledMs: 0, consecutiveFailures: 0 });
  });

  it('sees a transaction that never ends as a stall past the threshold', async () => {
    const { committer, next, outcome, advance } = setup();
    next('hang');
    void committer.submit(outcome());
    void committer.flush();
    advance(commitStallThresholdMs(100, 10_000) + 1);
    const state = committer.commitState();
    expect(state.lastFailed).toBe(false);
    expect(commitHealth(state, commitStallThresholdMs(100, 10_000)).ok).toBe(false);
  });
});

describe('TransactionalCommitter: the pause after a failed transaction', () => {
  it('is the commit interval doubled per failure in a row, at most MAX_RETRY_PAUSE_MS', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 30].map((failures) => retryPauseMs(50, failures))).toEqual([50, 100, 200, 400, 800, 1_600, 2_000, 2_000]);
    expect(MAX_RETRY_PAUSE_MS).toBe(2_000);
  });

  it('holds back the flushes hasRoom starts until it passed (no storm of transactions at a broker that refuses them); an explicit flush goes at once', async () => {
    let now = 0;
    let attempts = 0;
    const { producer, next } = scriptedProducer();
    const counting: ProducerPort = { ...producer, transaction: () => (attempts++, producer.transaction()) };
    const committer = new TransactionalCommitter({
      producer: counting,
      consumer: { groupMetadata: () => ({ groupId: 'g', generationId: 1, memberId: 'm' }) },
      trackers: new OffsetTrackers(),
      intervalMs: 50,
      maxUncommitted: 2,
      log,
      now: () => now,
    });
    const settle = () => new Promise((resolve) => setTimeout(resolve, 0));
    next('fail');
    const done = committer.submit({ records: [{ topic: 'out', record: { key: 'k', value: 'v' } }], complete: () => undefined });
    await committer.flush();
    expect(attempts).toBe(1);
    // Half the window used: hasRoom would start a flush, but the first pause (50 ms) runs.
    committer.hasRoom(1);
    await settle();
    expect(attempts).toBe(1);
    now += 50;
    committer.hasRoom(1);
    await settle();
    expect(attempts).toBe(2);
    // Two failures in a row: 100 ms.
    now += 99;
    committer.hasRoom(1);
    await settle();
    expect(attempts).toBe(2);
    next('commit');
    await committer.flush();
    expect(attempts).toBe(3);
    await done;
    expect(committer.commitState().lastFailed).toBe(false);
  });

  it('lets no timer tick that came during a transaction start one after it failed: the next waits for the pause', async () => {
    // Measured in worker.broker-restart before this: ticks that came while a transaction waited on a
    // restarting broker each ran a flush once it failed, 15 transactions in 1.3 s past the pause.
    vi.useFakeTimers();
    try {
      let now = 0;
      let attempts = 0;
      let fail!: (error: Error) => void;
      const producer: ProducerPort = {
        connect: async () => undefined,
        disconnect: async () => undefined,
        send: async () => [],
        transaction: () => {
          attempts++;
          return new Promise<TransactionPort>((_resolve, reject) => (fail = reject));
        },
      };
      const committer = new TransactionalCommitter({
        producer,
        consumer: { groupMetadata: () => ({ groupId: 'g', generationId: 1, memberId: 'm' }) },
        trackers: new OffsetTrackers(),
        intervalMs: 50,
        log,
        now: () => now,
      });
      void committer.submit({ records: [{ topic: 'out', record: { key: 'k', value: 'v' } }], complete: () => undefined }).catch(() => undefined);
      committer.start();
      await vi.advanceTimersByTimeAsync(50);
      expect(attempts).toBe(1);
      // Ten ticks while the transaction waits for its coordinator.
      now += 500;
      await vi.advanceTimersByTimeAsync(500);
      expect(attempts).toBe(1);
      fail(new Error('coordinator gone'));
      await vi.advanceTimersByTimeAsync(0);
      expect(committer.commitState().consecutiveFailures).toBe(1);
      expect(attempts).toBe(1);
      // The pause after one failure is one interval: the first tick past it starts the next transaction.
      now += 49;
      await vi.advanceTimersByTimeAsync(49);
      expect(attempts).toBe(1);
      now += 1;
      await vi.advanceTimersByTimeAsync(1);
      expect(attempts).toBe(2);
      fail(new Error('coordinator gone'));
      // stop() flushes once more (a third transaction), which fails too.
      const stopping = committer.stop();
      await vi.advanceTimersByTimeAsync(0);
      expect(attempts).toBe(3);
      fail(new Error('coordinator gone'));
      await stopping;
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('TransactionalCommitter: a transaction that fails keeps its batch', () => {
  const setup = () => {
    const kafka = inMemoryTransactions();
    const trackers = new OffsetTrackers();
    const tracker = trackers.forPartition('in', 0);
    const committer = new TransactionalCommitter({ producer: kafka.producer, consumer: kafka.consumer, trackers, intervalMs: 60_000, log });
    const submit = (offset: string) => {
      tracker.track(offset);
      return committer.submit({ records: [{ topic: 'out', record: { key: 'k', value: `v${offset}` } }], complete: () => tracker.complete(offset), source: { topic: 'in', partition: 0 } });
    };
    return { kafka, committer, submit };
  };

  // Regression: the committer took a batch off the queue and completed its offsets before calling
  // transaction(); when that call threw, the batch (retry, DLQ and status records) was gone while
  // its offsets went out with the next transaction.
  for (const step of ['begin', 'send', 'sendOffsets', 'commit'] as const) {
    it(`writes the outcomes with their offsets in the next transaction when ${step === 'begin' ? 'transaction()' : step + '()'} throws`, async () => {
      const { kafka, committer, submit } = setup();
      let settled = 0;
      const done = [submit('0'), submit('1')].map((p) => p.then(() => void settled++));
      kafka.failNext(step);
      await committer.flush();
      expect(kafka.committed).toEqual([]);
      expect(committer.pending).toBe(2);
      expect(settled).toBe(0);
      expect(committer.consecutiveFailures).toBe(1);

      await committer.flush();
      await Promise.all(done);
      expect(kafka.committed).toEqual([
        {
          records: [{ topic: 'out', records: [{ key: 'k', value: 'v0' }, { key: 'k', value: 'v1' }] }],
          offsets: [{ topic: 'in', partition: 0, offset: '2' }],
        },
      ]);
      expect(committer.consecutiveFailures).toBe(0);
    });
  }
});
