/**
 * Which records a replay copies: `--type` (glob on the task type or CloudEvents type header),
 * `--tenant`, `--header name=value` and `--where json.path=value` on the JSON value. All given
 * filters must match.
 */
import type { IncomingRecord } from '@switchyard/kafka';
import { opsError } from '../ops-error.js';
import { FILTER_HEADERS } from './replay.names.js';

/** The filters as given on the command line (already split into name and value). */
export interface RecordFilterSpec {
  readonly types: readonly string[];
  readonly tenants: readonly string[];
  readonly headers: readonly { readonly name: string; readonly value: string }[];
  readonly where: readonly { readonly path: readonly string[]; readonly value: string }[];
}

export type RecordPredicate = (record: IncomingRecord) => boolean;

/** A glob with `*` (any run of characters) as an anchored regular expression. */
export function globToRegExp(glob: string): RegExp {
  const body = glob.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*');
  return new RegExp(`^${body}$`);
}

/** Splits `name=value` at the first `=`; bad-input error naming `option` (an engine option name) when there is none. */
export function splitAssignment(text: string, option: string): { name: string; value: string } {
  const at = text.indexOf('=');
  if (at <= 0) throw opsError('SY_INVALID_ARGUMENT', `\`${option}\`: '${text}' is not name=value`, `Use e.g. ${option === 'where' ? 'order.status=paid' : 'sy-queue=billing'}.`);
  return { name: text.slice(0, at), value: text.slice(at + 1) };
}

const header = (record: IncomingRecord, name: string): string | undefined => record.headers[name]?.toString();

/** The value at `path` of a JSON document, or undefined when a step is missing. */
function valueAt(document: unknown, path: readonly string[]): unknown {
  let node = document;
  for (const step of path) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[step];
  }
  return node;
}

/** True when the JSON value equals `expected` as typed (`paid`, `3`, `true`, `null` all compare as text). */
function jsonEquals(actual: unknown, expected: string): boolean {
  if (actual === undefined) return false;
  if (actual !== null && typeof actual === 'object') return JSON.stringify(actual) === expected;
  return String(actual) === expected;
}

function parseJson(value: Buffer | null): unknown {
  if (value === null) return undefined;
  try {
    return JSON.parse(value.toString('utf8'));
  } catch {
    return undefined;
  }
}

/** The predicate of no filter: every record matches (a copy need not decode records to ask). */
export const matchAll: RecordPredicate = () => true;

/** One predicate for all the filters (`matchAll` when none is given). */
export function buildRecordFilter(spec: RecordFilterSpec): RecordPredicate {
  const checks: RecordPredicate[] = [];
  if (spec.types.length > 0) {
    const patterns = spec.types.map(globToRegExp);
    checks.push((r) => {
      const type = header(r, FILTER_HEADERS.taskType) ?? header(r, FILTER_HEADERS.eventType);
      return type !== undefined && patterns.some((p) => p.test(type));
    });
  }
  if (spec.tenants.length > 0) {
    const tenants = new Set(spec.tenants);
    checks.push((r) => tenants.has(header(r, FILTER_HEADERS.tenant) ?? header(r, FILTER_HEADERS.eventTenant) ?? '\u0000'));
  }
  for (const { name, value } of spec.headers) checks.push((r) => header(r, name) === value);
  if (spec.where.length > 0) {
    checks.push((r) => {
      const document = parseJson(r.value);
      return spec.where.every(({ path, value }) => jsonEquals(valueAt(document, path), value));
    });
  }
  if (checks.length === 0) return matchAll;
  return (record) => checks.every((check) => check(record));
}
