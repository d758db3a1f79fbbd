/** Human output of the `dlq` commands. */
import type { IncomingRecord } from '@switchyard/kafka';
import { domainOf, coordinates, entryJson, taskMetadataOfEntry, type DlqEntry, type DlqKind } from '@switchyard/ops';
import { cut, textTable } from '../format/text-table.js';

/** The cells every table has after the identity columns: code, attempts, dead at, error. */
function outcomeCells(e: DlqEntry): string[] {
  return [
    e.info?.code ?? '(not a dead letter)',
    String(e.info?.attempts ?? 0),
    new Date(e.deadAtMs).toISOString(),
    `${e.state === 'dead' ? '' : `[${e.state}] `}${cut(e.info?.error.message ?? '', 80)}`,
  ];
}

/**
 * The list table. A queue's: partition/offset, task id, type, tenant, code, attempts, dead at,
 * error. A subscription's: partition/offset, domain (which DLQ), event id, event type, tenant,
 * failed handler, then the same outcome columns.
 */
export function entriesTable(entries: readonly DlqEntry[], kind: DlqKind = 'queue'): string {
  const outcome = ['CODE', 'ATTEMPTS', 'DEAD AT', 'ERROR'];
  if (kind === 'queue') {
    return textTable(['P/OFFSET', 'TASK ID', 'TYPE', 'TENANT', ...outcome], entries.map((e) => [coordinates(e), e.id ?? '-', e.type ?? '-', e.tenant ?? '-', ...outcomeCells(e)]));
  }
  const rows = entries.map((e) => [coordinates(e), domainOf(e.record.topic) ?? '-', e.id ?? '-', e.type ?? '-', e.tenant ?? '-', e.info?.failedHandler ?? '-', ...outcomeCells(e)]);
  return textTable(['P/OFFSET', 'DOMAIN', 'EVENT ID', 'EVENT TYPE', 'TENANT', 'HANDLER', ...outcome], rows);
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

/** The task's metadata lines (created, updated, created by, tags), those it has. */
export function metadataFields(entry: Pick<DlqEntry, 'record'>): [string, string][] {
  const metadata = taskMetadataOfEntry(entry);
  if (!metadata) return [];
  const lines: [string, string | undefined][] = [
    ['created', metadata.createdAt],
    ['updated', metadata.updatedAt],
    ['created by', metadata.createdBy],
    ['tags', metadata.tags?.join(', ')],
  ];
  return lines.filter((l): l is [string, string] => l[1] !== undefined);
}

/** The identity lines of the text detail: task id and type, or event id, type, domain and handler. */
function identityFields(entry: DlqEntry, id: string): [string, string][] {
  if (entry.kind === 'queue') return [['task id', id], ['type', entry.type ?? '-'], ['tenant', entry.tenant ?? '-'], ...metadataFields(entry)];
  return [
    ['event id', id],
    ['event type', entry.type ?? '-'],
    ['domain', domainOf(entry.record.topic) ?? '-'],
    ['tenant', entry.tenant ?? '-'],
    ['handler', entry.info?.failedHandler ?? '-'],
  ];
}

/** One entry in full, as text. */
export function entryDetailText(entry: DlqEntry): string {
  const detail = entryDetail(entry);
  const fields: [string, string][] = [
    ['entry', `${detail.topic} ${coordinates(entry)} (${detail.state})`],
    ...identityFields(entry, detail.id),
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
