import type { z } from 'zod';
import type { IncomingRecord } from '../client/kafka-client.port.js';

/**
 * Decodes a record whose value is JSON of `schema`: undefined for a tombstone, for a value that is
 * not JSON and for JSON of another shape (a record of another format or version), never a throw.
 */
export function decodeJsonValue<S extends z.ZodType>(record: Pick<IncomingRecord, 'value'>, schema: S): z.output<S> | undefined {
  if (record.value === null) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(record.value.toString('utf8'));
  } catch {
    return undefined;
  }
  const parsed = schema.safeParse(json);
  return parsed.success ? parsed.data : undefined;
}
