/** Messages between the replay's main thread and a writer thread (thread-writer.worker.ts). */
import type { EncodedRecordsData, KafkaConnectionSettings } from '@switchyard/kafka';

/** What a writer thread starts with (its workerData). */
export interface WriterThreadInit {
  readonly settings: KafkaConnectionSettings;
  readonly transactionalId: string;
  readonly transactionTimeoutMs: number;
  readonly topic: string;
  readonly toTopic: string;
  readonly group: string;
}

/** Main thread -> writer thread. `copies` is packed by copy-chunk.codec.ts and transferred. */
export type ToWriterThread =
  | {
      readonly kind: 'chunk';
      readonly partition: number;
      readonly position: string;
      readonly bytes: number;
      readonly copies: ArrayBuffer;
      /** Copies written from raw records (EncodedRecords), transferred as they are. */
      readonly encoded?: EncodedRecordsData;
    }
  | { readonly kind: 'stop' };

/** Writer thread -> main thread. */
export type FromWriterThread =
  | { readonly kind: 'ready' }
  | { readonly kind: 'committed'; readonly partition: number; readonly position: string; readonly written: number }
  | { readonly kind: 'failed'; readonly error: ThreadError }
  | { readonly kind: 'stopped' };

/** An error as it crosses the thread boundary: what callers read (message, kafkajs `type`, Switchyard `code`, `retriable`). */
export interface ThreadError {
  readonly name: string;
  readonly message: string;
  readonly type?: string;
  readonly code?: string;
  readonly retriable?: boolean;
  readonly stack?: string;
}

export function toThreadError(error: unknown): ThreadError {
  if (!(error instanceof Error)) return { name: 'Error', message: String(error) };
  const { type, code, retriable } = error as { type?: unknown; code?: unknown; retriable?: unknown };
  return {
    name: error.name,
    message: error.message,
    ...(typeof type === 'string' ? { type } : {}),
    ...(typeof code === 'string' ? { code } : {}),
    ...(typeof retriable === 'boolean' ? { retriable } : {}),
    ...(error.stack ? { stack: error.stack } : {}),
  };
}

export function fromThreadError(error: ThreadError): Error {
  const { name, message, stack, ...props } = error;
  return Object.assign(new Error(message), { name, ...(stack ? { stack } : {}) }, props);
}
