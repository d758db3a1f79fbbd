/**
 * One worker process of the scale-out and memory benchmark (run.ts): a Switchyard worker on
 * SCALE_QUEUE whose `scale_task` handler waits SCALE_HANDLER_MS (an I/O-bound handler; 0 = no-op),
 * at SCALE_CONCURRENCY. SIGTERM closes it gracefully. Not part of the library.
 *
 * Memory probes (the memory run, issue 11 item 4), when started with an IPC channel:
 * - every SCALE_MEMORY_SAMPLE_MS (250) it sends `{ memory }`: process.memoryUsage(), V8's heap
 *   spaces (size and used) and the tasks handled so far; with `--expose-gc` and SCALE_MEMORY_GC_MS set, a full GC first every that many
 *   ms, so `heapUsed` of those samples is the live heap (`afterGc: true`).
 * - SCALE_HEAP_SNAPSHOTS=100000,400000 writes a heap snapshot (node:v8) after that many tasks, to
 *   SCALE_HEAP_SNAPSHOT_DIR (/tmp), and sends `{ snapshot }` with its path.
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { getHeapSpaceStatistics, getHeapStatistics, writeHeapSnapshot } from 'node:v8';
import { createKafkaClient, createLogger, kafkaSettingsFromEnv } from '@switchyard/kafka';
import { createWorker } from '@switchyard/worker';

const queue = process.env.SCALE_QUEUE!;
const handlerMs = Number(process.env.SCALE_HANDLER_MS ?? '0');
const log = createLogger('scale-worker', { level: process.env.LOG_LEVEL ?? 'warn' });
const client = createKafkaClient(kafkaSettingsFromEnv(), log);

let handled = 0;
const snapshotsAt = (process.env.SCALE_HEAP_SNAPSHOTS ?? '')
  .split(',')
  .filter(Boolean)
  .map(Number)
  .sort((a, b) => a - b);
const snapshotDir = process.env.SCALE_HEAP_SNAPSHOT_DIR ?? '/tmp';

/** Called after every handled task: a heap snapshot once `handled` reaches the next mark. */
function afterTask(): void {
  handled++;
  if (allocProfile && handled >= allocProfileAt) writeAllocProfile();
  if (snapshotsAt.length === 0 || handled < snapshotsAt[0]!) return;
  const at = snapshotsAt.shift()!;
  // On the next turn, outside the handler: the snapshot blocks the process for a few seconds.
  setImmediate(() => {
    const path = writeHeapSnapshot(join(snapshotDir, `scale-worker-${process.pid}-${at}.heapsnapshot`));
    process.send?.({ snapshot: { at, handled, path } });
  });
}

/**
 * SCALE_ALLOC_PROFILE=N: V8's sampling heap profiler over every allocation (also those collected
 * since: the garbage is what sizes the heap) until N tasks are handled, written to /tmp as a
 * .heapprofile (Chrome DevTools, Memory tab).
 */
const allocProfileAt = Number(process.env.SCALE_ALLOC_PROFILE ?? '0');
let allocProfile: Session | undefined;
if (allocProfileAt > 0) {
  allocProfile = new Session();
  allocProfile.connect();
  await allocProfile.post('HeapProfiler.startSampling', { samplingInterval: 32_768, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true });
}

function writeAllocProfile(): void {
  const session = allocProfile;
  allocProfile = undefined;
  void session?.post('HeapProfiler.stopSampling').then(({ profile }) => {
    const path = join(snapshotDir, `scale-worker-${process.pid}-${allocProfileAt}.heapprofile`);
    writeFileSync(path, JSON.stringify(profile));
    process.send?.({ snapshot: { at: allocProfileAt, handled, path } });
  });
}

const worker = createWorker(
  client,
  { config: { name: process.env.SCALE_WORKER!, queues: [queue], queueConfigs: [{ name: queue, concurrency: Number(process.env.SCALE_CONCURRENCY ?? '10') }] } },
  {
    scale_task:
      handlerMs > 0
        ? async () => {
            await sleep(handlerMs);
            afterTask();
          }
        : async () => afterTask(),
  },
  { log },
);
await worker.start();

if (process.send) {
  const gc = (globalThis as { gc?: () => void }).gc;
  const gcEveryMs = Number(process.env.SCALE_MEMORY_GC_MS ?? '0');
  let lastGc = performance.now();
  const sample = setInterval(() => {
    const afterGc = gc !== undefined && gcEveryMs > 0 && performance.now() - lastGc >= gcEveryMs;
    if (afterGc) {
      gc();
      lastGc = performance.now();
    }
    // Per V8 space: size (committed) and used, bytes (new_space, old_space, large_object_space, code_space, ...).
    const spaces = Object.fromEntries(getHeapSpaceStatistics().map((s) => [s.space_name, { size: s.space_size, used: s.space_used_size }]));
    // V8's own malloc'd memory (compiler zones, etc.), outside the heap spaces and `external`.
    const { malloced_memory: malloced, peak_malloced_memory: peakMalloced } = getHeapStatistics();
    process.send?.({ memory: { ...process.memoryUsage(), handled, afterGc, spaces, malloced, peakMalloced } });
  }, Number(process.env.SCALE_MEMORY_SAMPLE_MS ?? '250'));
  sample.unref();
}
process.on('SIGTERM', () => void worker.close().then(() => process.exit(0), () => process.exit(1)));
