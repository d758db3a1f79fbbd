/** Human output of the `dlq` commands. */
import type { IncomingRecord } from '@switchyard/kafka';
import { coordinates, entryJson, type DlqEntry } from './dlq-entry.js';
import { cut, textTable } from '../format/text-table.js';

/** The list table: partition/offset, task id, type, tenant, code, attempts, dead at, error. */
export function entriesTable(entries: readonly DlqEntry[]): string {
  const rows = entries.map((e) => [
    coordinates(e),
    e.taskId ?? '-',
    e.taskType ?? '-',
    e.tenant ?? '-',
    e.info?.code ?? '(not a dead letter)',
    String(e.info?.attempts ?? 0),
    new Date(e.deadAtMs).toISOString(),
    `${e.state === 'dead' ? '' : `[${e.state}] `}${cut(e.info?.error.message ?? '', 80)}`,
  ]);
  return textTable(['P/OFFSET', 'TASK ID', 'TYPE', 'TENANT', 'CODE', 'ATTEMPTS', 'DEAD AT', 'ERROR'], rows);
}

/** The payload as JSON when it parses, else base64. */
export function payloadOf(record: IncomingRecord): { encoding: 'json' | 'base64' | 'none'; value: unknown } {
  if (record.value === null) return { encoding: 'none', value: null };
  try {
    return { encoding: 'json', value: JSON.parse(record.value.toString('utf8')) };
  } catch {
    return { encoding: 'base64', value: record.value.toString('base64') };
  }
}

/** One entry in full, as JSON. */
export function entryDetail(entry: DlqEntry) {
  const headers = Object.fromEntries(Object.entries(entry.record.headers).map(([name, value]) => [name, value.toString('utf8')]));
  return {
    ...entryJson(entry),
    key: entry.record.key?.toString('utf8') ?? null,
    timestamp: new Date(Number(entry.record.timestamp)).toISOString(),
    headers,
    payload: payloadOf(entry.record),
  };
}

/** One entry in full, as text. */
export function entryDetailText(entry: DlqEntry): string {
  const detail = entryDetail(entry);
  const fields: [string, string][] = [
    ['entry', `${detail.topic} ${coordinates(entry)} (${detail.state})`],
    ['task id', detail.id],
    ['type', detail.taskType ?? '-'],
    ['tenant', detail.tenant ?? '-'],
    ['code', detail.code ?? '(not a dead-letter.v1 record)'],
    ['attempts', String(detail.retries)],
    ['first failed', detail.firstFailedAt || '-'],
    ['dead at', detail.deadAt],
    ['origin', detail.origin ?? '-'],
    ['key', detail.key ?? '(null)'],
    ['error', detail.error.message],
  ];
  const width = Math.max(...fields.map(([name]) => name.length));
  const headerLines = Object.entries(detail.headers).map(([name, value]) => `  ${name}: ${name === 'sy-dlq-error' ? cut(value, 120) : value}`);
  const payload = detail.payload.encoding === 'json' ? JSON.stringify(detail.payload.value, null, 2) : String(detail.payload.value);
  return [
    ...fields.map(([name, value]) => `${name.padEnd(width)}  ${value}`),
    '',
    'headers:',
    ...headerLines,
    '',
    `payload (${detail.payload.encoding}):`,
    payload,
    ...('stack' in detail.error && detail.error.stack ? ['', 'stack:', detail.error.stack] : []),
  ].join('\n');
}
