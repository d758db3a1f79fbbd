/**
 * The producer of bench (b), in a worker thread: a producing service is not the worker's process,
 * so the worker's event loop (busy with the backlog) must not stand between a critical enqueue and
 * its acknowledgement. The thread enqueues on the main thread's command and reports each task's
 * send and ack times as absolute milliseconds (`performance.timeOrigin + performance.now()`, one
 * clock for both threads).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { createKafkaClient, createLogger, kafkaSettingsFromEnv, type KafkaClientName } from '@switchyard/kafka';
import { TaskProducer } from '@switchyard/worker';

export interface CriticalProducerData {
  readonly bootstrap: string;
  readonly clientName: KafkaClientName;
  readonly queue: string;
}

/** Main thread -> producer: enqueue `ids` (warm-up, all at once), or `count` tasks one per `intervalMs`. */
export type CriticalProducerCommand =
  | { readonly kind: 'warm'; readonly ids: readonly number[] }
  | { readonly kind: 'run'; readonly count: number; readonly intervalMs: number }
  | { readonly kind: 'stop' };

/** Producer -> main thread. */
export type CriticalProducerReport =
  | { readonly kind: 'ready' }
  | { readonly kind: 'sent'; readonly i: number; readonly sentAt: number; readonly ackAt: number }
  | { readonly kind: 'failed'; readonly message: string }
  | { readonly kind: 'stopped' };

export const absoluteNow = (): number => performance.timeOrigin + performance.now();

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function main(port: NonNullable<typeof parentPort>, data: CriticalProducerData): Promise<void> {
  const log = createLogger('bench.critical-producer', { level: 'warn' });
  const client = createKafkaClient(kafkaSettingsFromEnv({ KAFKA_BROKERS: data.bootstrap, KAFKA_CLIENT_ID: 'switchyard-bench-producer', KAFKA_CLIENT: data.clientName }), log);
  const producer = new TaskProducer({ client, queues: [data.queue], writeStatus: true });
  await producer.connect();
  const report = (message: CriticalProducerReport) => port.postMessage(message);
  const task = (i: number) => ({ type: 'critical_ping', queue: data.queue, priority: 'critical' as const, payload: { i } });
  port.on('message', (command: CriticalProducerCommand) => {
    void (async () => {
      if (command.kind === 'warm') {
        const sentAt = absoluteNow();
        await producer.enqueueMany(command.ids.map((i) => ({ task: task(i), options: { tenant: `warm-${i}` } })));
        const ackAt = absoluteNow();
        for (const i of command.ids) report({ kind: 'sent', i, sentAt, ackAt });
      } else if (command.kind === 'run') {
        const sends: Promise<unknown>[] = [];
        const t0 = performance.now();
        for (let i = 0; i < command.count; i++) {
          const wait = t0 + i * command.intervalMs - performance.now();
          if (wait > 0) await sleep(wait);
          const sentAt = absoluteNow();
          sends.push(producer.enqueue(task(i), { tenant: `critical-${i}` }).then(() => report({ kind: 'sent', i, sentAt, ackAt: absoluteNow() })));
        }
        await Promise.all(sends);
      } else {
        await producer.disconnect();
        report({ kind: 'stopped' });
        port.close();
      }
    })().catch((error: unknown) => report({ kind: 'failed', message: String((error as Error)?.stack ?? error) }));
  });
  report({ kind: 'ready' });
}

if (parentPort) {
  const port = parentPort;
  main(port, workerData as CriticalProducerData).catch((error: unknown) => port.postMessage({ kind: 'failed', message: String((error as Error)?.stack ?? error) } satisfies CriticalProducerReport));
}
