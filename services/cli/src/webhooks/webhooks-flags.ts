/** `webhooks add` flags -> a NewEndpointInput (validated by the registry, which names the field). */
import { readFile } from 'node:fs/promises';
import type { NewEndpointInput } from '@switchyard/webhooks';
import { CliError } from '../cli-context.js';
import { EXIT } from '../exit-codes.js';

export interface AddFlags {
  readonly file?: string;
  readonly id?: string;
  readonly url?: string;
  readonly pattern?: string;
  readonly method?: string;
  readonly header?: readonly string[];
  readonly bearer?: string;
  readonly tenant?: string;
  readonly description?: string;
  readonly timeoutMs?: string;
  readonly maxRetries?: string;
  readonly concurrency?: string;
  readonly ordered?: boolean;
  readonly disabled?: boolean;
  readonly secret?: string;
}

function number(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n)) throw new CliError(EXIT.badInput, `--${flag}: expected a whole number, got "${value}".`);
  return n;
}

function headers(list: readonly string[] | undefined): Record<string, string> | undefined {
  if (!list || list.length === 0) return undefined;
  return Object.fromEntries(
    list.map((entry) => {
      const at = entry.indexOf(':');
      if (at <= 0) throw new CliError(EXIT.badInput, `--header: expected "name: value", got "${entry}".`);
      return [entry.slice(0, at).trim(), entry.slice(at + 1).trim()];
    }),
  );
}

/** The endpoint of `--file <endpoint.json>` or of the flags (flags given beside --file override it). */
export async function endpointFromFlags(flags: AddFlags): Promise<NewEndpointInput> {
  let base: Record<string, unknown> = {};
  if (flags.file) {
    try {
      base = JSON.parse(await readFile(flags.file, 'utf8')) as Record<string, unknown>;
    } catch (error) {
      throw new CliError(EXIT.badInput, `--file: cannot read ${flags.file} as JSON (${(error as Error).message}).`);
    }
  }
  const maxRetries = number('max-retries', flags.maxRetries);
  const fields: Record<string, unknown> = {
    id: flags.id,
    url: flags.url,
    eventPattern: flags.pattern,
    method: flags.method?.toUpperCase(),
    headers: headers(flags.header),
    authentication: flags.bearer ? { type: 'bearer', credentials: { token: flags.bearer } } : undefined,
    tenant: flags.tenant,
    description: flags.description,
    timeoutMs: number('timeout-ms', flags.timeoutMs),
    retryPolicy: maxRetries === undefined ? undefined : { maxRetries },
    concurrency: number('concurrency', flags.concurrency),
    ordered: flags.ordered,
    enabled: flags.disabled ? false : undefined,
    secret: flags.secret,
  };
  return { ...base, ...Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)) } as NewEndpointInput;
}
