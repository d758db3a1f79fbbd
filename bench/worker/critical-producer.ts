import { Worker } from 'node:worker_threads';
import type { BenchKafka } from './bench-kafka.js';
import type { CriticalProducerCommand, CriticalProducerData, CriticalProducerReport } from './critical-producer.thread.js';

/**
 * The main thread's side of bench (b)'s producer thread: starts it, sends it commands, hands each
 * task's send and ack times to `onSent`, and makes a failure in the thread the bench's failure.
 */
export class CriticalProducer {
  /** Resolves once the thread's producer is connected. */
  readonly ready: Promise<void>;
  readonly #thread: Worker;
  /** Resolves when the thread has disconnected its producer (or ended). */
  readonly #stopped: Promise<void>;
  #failure: Error | undefined;

  constructor(k: BenchKafka, queue: string, onSent: (i: number, sentAt: number, ackAt: number) => void) {
    const data: CriticalProducerData = { bootstrap: k.bootstrap, clientName: k.clientName, queue };
    this.#thread = new Worker(new URL('./critical-producer.thread.ts', import.meta.url), { workerData: data });
    let stopped: () => void = () => undefined;
    this.#stopped = new Promise<void>((resolve) => (stopped = resolve));
    this.ready = new Promise<void>((resolve, reject) => {
      this.#thread.on('message', (report: CriticalProducerReport) => {
        if (report.kind === 'ready') resolve();
        else if (report.kind === 'sent') onSent(report.i, report.sentAt, report.ackAt);
        else if (report.kind === 'stopped') stopped();
        else {
          this.#failure = new Error(`critical producer thread: ${report.message}`);
          reject(this.#failure);
        }
      });
      this.#thread.on('error', (error) => {
        this.#failure = error;
        reject(error);
        stopped();
      });
      this.#thread.on('exit', () => stopped());
    });
  }

  command(command: CriticalProducerCommand): void {
    this.#thread.postMessage(command);
  }

  /** True while the thread has not failed; throws its failure otherwise (ends a wait at once). */
  healthy(): boolean {
    if (this.#failure) throw this.#failure;
    return true;
  }

  /** Disconnects the thread's producer and ends the thread. */
  async stop(): Promise<void> {
    this.command({ kind: 'stop' });
    await this.#stopped;
    await this.#thread.terminate();
  }
}
