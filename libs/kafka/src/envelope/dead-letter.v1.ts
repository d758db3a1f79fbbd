import { z } from 'zod';
import { DLQ_HEADERS } from '../catalog/header-names.js';
import type { IncomingRecord, OutgoingRecord } from '../client/kafka-client.port.js';

/** Value of the `sy-dlq-envelope` header for this format. */
export const DEAD_LETTER_V1 = 'dead-letter.v1';

/** Why and where a record died. */
export interface DeadLetterInfo {
  readonly code: string;
  readonly error: { readonly message: string; readonly stack?: string; readonly code?: string };
  readonly origin: { readonly topic: string; readonly partition: number; readonly offset: string };
  readonly attempts: number;
  readonly firstFailedAt: string;
  readonly lastFailedAt: string;
  readonly deadAt: string;
  readonly failedHandler?: string;
}

/**
 * A dead letter keeps the failed record byte for byte (key, value, original headers), so a
 * redrive can put it back exactly, even when it was garbage; the reason travels in `sy-dlq-*`
 * headers (stack traces are cut to 8 KiB).
 */
export function encodeDeadLetter(record: IncomingRecord, info: DeadLetterInfo): OutgoingRecord {
  const error = { ...info.error, ...(info.error.stack ? { stack: info.error.stack.slice(0, 8192) } : {}) };
  return {
    key: record.key,
    value: record.value,
    headers: {
      ...record.headers,
      [DLQ_HEADERS.envelope]: DEAD_LETTER_V1,
      [DLQ_HEADERS.code]: info.code,
      [DLQ_HEADERS.error]: JSON.stringify(error),
      [DLQ_HEADERS.origin]: `${info.origin.topic}/${info.origin.partition}/${info.origin.offset}`,
      [DLQ_HEADERS.attempts]: String(info.attempts),
      [DLQ_HEADERS.firstFailedAt]: info.firstFailedAt,
      [DLQ_HEADERS.lastFailedAt]: info.lastFailedAt,
      [DLQ_HEADERS.deadAt]: info.deadAt,
      ...(info.failedHandler ? { [DLQ_HEADERS.failedHandler]: info.failedHandler } : {}),
    },
  };
}

const ErrorJson = z.object({ message: z.string(), stack: z.string().optional(), code: z.string().optional() });
const ORIGIN = /^(.+)\/(\d+)\/(\d+)$/;

/** Reads the dead-letter part of a DLQ record; undefined when the record is not a dead letter. */
export function decodeDeadLetter(record: IncomingRecord): DeadLetterInfo | undefined {
  const h = (name: string) => record.headers[name]?.toString('utf8');
  if (h(DLQ_HEADERS.envelope) !== DEAD_LETTER_V1) return undefined;
  const origin = ORIGIN.exec(h(DLQ_HEADERS.origin) ?? '');
  let error: DeadLetterInfo['error'] = { message: '(missing)' };
  try {
    error = ErrorJson.parse(JSON.parse(h(DLQ_HEADERS.error) ?? 'null'));
  } catch {
    error = { message: h(DLQ_HEADERS.error) ?? '(missing)' };
  }
  const failedHandler = h(DLQ_HEADERS.failedHandler);
  return {
    code: h(DLQ_HEADERS.code) ?? 'SY_UNKNOWN',
    error,
    origin: origin ? { topic: origin[1]!, partition: Number(origin[2]), offset: origin[3]! } : { topic: '', partition: -1, offset: '-1' },
    attempts: Number(h(DLQ_HEADERS.attempts) ?? 0),
    firstFailedAt: h(DLQ_HEADERS.firstFailedAt) ?? '',
    lastFailedAt: h(DLQ_HEADERS.lastFailedAt) ?? '',
    deadAt: h(DLQ_HEADERS.deadAt) ?? '',
    ...(failedHandler ? { failedHandler } : {}),
  };
}

/** The original headers of a dead letter, without the `sy-dlq-*` ones (for redrive). */
export function originalHeaders(record: IncomingRecord): Record<string, Buffer> {
  const dlqNames = new Set<string>(Object.values(DLQ_HEADERS));
  return Object.fromEntries(Object.entries(record.headers).filter(([name]) => !dlqNames.has(name)));
}
