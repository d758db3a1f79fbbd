/**
 * A writer thread: one lane of a replay's writes (thread-writer.ts starts it). It opens its own
 * Kafka client with the main thread's settings, connects the lane's transactional producer
 * (fencing an interrupted run of the same lane) and runs a CopyWriter on the chunks it is sent,
 * reporting every commit back. kafkajs encodes records on the thread that sends them, so two
 * lanes use two cores.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { createKafkaClient, createLogger, EncodedRecords, hideSettingsSecrets, type ProducerPort } from '@switchyard/kafka';
import { unpackCopies } from './copy-chunk.codec.js';
import { CopyWriter } from './copy-writer.js';
import { toThreadError, type FromWriterThread, type ToWriterThread, type WriterThreadInit } from './thread-writer.messages.js';

/**
 * The thread's logger: JSON lines on stderr, written synchronously, so a front end's stdout carries
 * only its output (the CLI's `--json` stays parseable); warnings and errors unless LOG_LEVEL says otherwise.
 */
function threadLogger() {
  return createLogger('switchyard-replay-writer', { level: process.env.LOG_LEVEL ?? 'warn' }, 'stderr');
}

const port = parentPort!;
const init = workerData as WriterThreadInit;
const post = (message: FromWriterThread) => port.postMessage(message);

async function stop(producer: ProducerPort, writer: CopyWriter | undefined): Promise<void> {
  await writer?.stop().catch(() => undefined);
  await producer.disconnect().catch(() => undefined);
  post({ kind: 'stopped' });
  port.close();
}

function start(): void {
  // The structured clone of the settings lost their hiding of secrets: hide them again.
  const client = createKafkaClient(hideSettingsSecrets(init.settings), threadLogger());
  const producer = client.producer({ transactionalId: init.transactionalId, transactionTimeoutMs: init.transactionTimeoutMs });
  let writer: CopyWriter | undefined;
  const connected = producer.connect().then(
    () => {
      writer = new CopyWriter({
        producer,
        topic: init.topic,
        toTopic: init.toTopic,
        group: init.group,
        onCommitted: (partition, position, written) => post({ kind: 'committed', partition, position: position.toString(), written }),
        onFailed: (error) => post({ kind: 'failed', error: toThreadError(error) }),
      });
      post({ kind: 'ready' });
    },
    (error: unknown) => post({ kind: 'failed', error: toThreadError(error) }),
  );
  // Chunks sent while the producer connects wait for it; all are queued in the order they were sent.
  let queued: Promise<unknown> = connected;
  port.on('message', (message: ToWriterThread) => {
    if (message.kind === 'stop') return void connected.then(() => stop(producer, writer));
    const chunk = {
      partition: message.partition,
      position: BigInt(message.position),
      bytes: message.bytes,
      records: unpackCopies(message.copies),
      ...(message.encoded ? { encoded: EncodedRecords.fromTransfer(message.encoded) } : {}),
    };
    queued = queued.then(() => writer?.write(chunk)).catch(() => undefined);
  });
}

start();
