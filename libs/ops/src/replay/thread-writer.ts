/**
 * One lane of a replay's writes on its own thread (thread-writer.worker.ts): chunks are packed
 * and transferred to it, its commits come back to `onCommitted`. Back-pressure as with the
 * in-process CopyWriter: `write` waits while the lane holds too many uncommitted records.
 */
import { Worker } from 'node:worker_threads';
import { copiesIn, MAX_QUEUED_RECORDS, TRANSACTION_CAPS, type ChunkWriter, type CopyChunk, type CopyWriterEvents } from './copy-writer.js';
import { ChangeSignal } from './change-signal.js';
import { packCopies } from './copy-chunk.codec.js';
import { fromThreadError, type FromWriterThread, type ToWriterThread, type WriterThreadInit } from './thread-writer.messages.js';

/** Records sent to the thread and not yet committed: its queue plus the transaction in flight. */
const MAX_PENDING_RECORDS = MAX_QUEUED_RECORDS + TRANSACTION_CAPS.maxRecords;

/** `failed` is final; the thread's exit is awaited separately (`stop`). */
type ThreadState = 'starting' | 'open' | 'stopping' | 'failed';

const TRANSITIONS: Readonly<Record<ThreadState, readonly ThreadState[]>> = {
  starting: ['open', 'stopping', 'failed'],
  open: ['stopping', 'failed'],
  stopping: ['failed'],
  failed: [],
};

/** Plain-JavaScript dependencies the thread loads before tsx's hooks (as bin/switchyard does): through them each module costs a resolve and load hook call. */
const PRELOADED = ['@platformatic/kafka', 'zod', 'pino'];

/** The URLs of the preloaded modules this thread's sources resolve to (the thread's module cache then holds the same ones); a module that does not resolve is skipped. */
function preloadedModules(init: WriterThreadInit): string[] {
  const names = init.settings.client === 'kafkajs' ? [...PRELOADED, 'kafkajs'] : PRELOADED;
  return names.flatMap((name) => {
    try {
      return [import.meta.resolve(name)];
    } catch {
      return [];
    }
  });
}

/**
 * Starts the worker file next to this one. Run from TypeScript sources (through tsx, as
 * bin/switchyard does), the thread registers tsx first: Node does not apply the main thread's
 * hooks to a worker's entry file. Before that it turns V8's compile cache on and loads the heavy
 * JavaScript dependencies without the hooks (about 1 CPU-s less for the thread's start-up).
 */
function spawnWorker(init: WriterThreadInit): Worker {
  const fromSources = import.meta.url.endsWith('.ts');
  const entry = new URL(`./thread-writer.worker.${fromSources ? 'ts' : 'js'}`, import.meta.url);
  if (!fromSources) return new Worker(entry, { workerData: init });
  const tsx = import.meta.resolve('tsx/esm/api');
  const boot = [
    `import('node:module').then((m) => m.enableCompileCache?.())`,
    `.then(() => Promise.all(${JSON.stringify(preloadedModules(init))}.map((href) => import(href))))`,
    `.then(() => import(${JSON.stringify(tsx)}))`,
    `.then(({ register }) => { register(); return import(${JSON.stringify(entry.href)}); });`,
  ].join('');
  return new Worker(boot, { eval: true, workerData: init });
}

export class ThreadWriter implements ChunkWriter {
  readonly #worker: Worker;
  readonly #events: CopyWriterEvents;
  readonly #exited: Promise<void>;
  #state: ThreadState = 'starting';
  #error: unknown;
  #pending = 0;
  readonly #changed = new ChangeSignal();

  private constructor(init: WriterThreadInit, events: CopyWriterEvents) {
    this.#events = events;
    this.#worker = spawnWorker(init);
    this.#worker.on('message', (message: FromWriterThread) => this.#receive(message));
    this.#worker.on('error', (error) => this.#fail(error));
    this.#exited = new Promise((resolve) =>
      this.#worker.once('exit', () => {
        if (this.#state !== 'stopping') this.#fail(new Error('the replay writer thread exited unexpectedly'));
        resolve();
      }),
    );
  }

  /**
   * Starts the thread; it takes chunks at once and writes them once its producer is connected
   * (which fences the lane's interrupted runs). A failure to start is reported to `onFailed`.
   */
  static start(init: WriterThreadInit, events: CopyWriterEvents): ThreadWriter {
    return new ThreadWriter(init, events);
  }

  async write(chunk: CopyChunk): Promise<boolean> {
    const accepting = () => this.#state === 'starting' || this.#state === 'open';
    while (accepting() && this.#pending >= MAX_PENDING_RECORDS) await this.#changed.next();
    if (this.#state === 'failed') throw this.#error;
    if (!accepting()) return false;
    const copies = packCopies(chunk.records);
    const encoded = chunk.encoded?.toTransfer();
    const message: ToWriterThread = { kind: 'chunk', partition: chunk.partition, position: chunk.position.toString(), bytes: chunk.bytes, copies, ...(encoded ? { encoded } : {}) };
    this.#worker.postMessage(message, encoded ? [copies, encoded.bytes, encoded.starts, encoded.hashes] : [copies]);
    this.#pending += copiesIn(chunk);
    return true;
  }

  /** Asks the thread to drop its queue, end the transaction in flight and disconnect; waits until it exited. Throws its failure. */
  async stop(): Promise<void> {
    if (this.#state === 'starting' || this.#state === 'open') {
      this.#moveTo('stopping');
      this.#worker.postMessage({ kind: 'stop' } satisfies ToWriterThread);
    }
    await this.#exited;
    if (this.#state === 'failed') throw this.#error;
  }

  #receive(message: FromWriterThread): void {
    switch (message.kind) {
      case 'ready':
        if (this.#state === 'starting') this.#moveTo('open');
        return;
      case 'committed':
        this.#pending -= message.written;
        this.#events.onCommitted(message.partition, BigInt(message.position), message.written);
        return this.#notify();
      case 'failed':
        return this.#fail(fromThreadError(message.error));
      case 'stopped':
        // Its producer is disconnected; nothing else of it is needed.
        void this.#worker.terminate();
        return;
    }
  }

  /** Records the first failure, reports it, and asks the thread to stop (it disconnects its producer and exits). */
  #fail(error: unknown): void {
    if (this.#state === 'failed') return;
    this.#error = error;
    this.#moveTo('failed');
    this.#events.onFailed(error);
    this.#worker.postMessage({ kind: 'stop' } satisfies ToWriterThread);
  }

  #moveTo(next: ThreadState): void {
    if (!TRANSITIONS[this.#state].includes(next)) throw new Error(`replay writer thread: ${this.#state} -> ${next}`);
    this.#state = next;
    this.#notify();
  }

  #notify(): void {
    this.#changed.notify();
  }
}
