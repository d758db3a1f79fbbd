/** `webhooks add|list|rotate-secret|disable|enable|remove|deliveries`: flags in, the registry of libs/webhooks does the work, text or JSON out. */
import { SwitchyardError } from '@switchyard/protocol';
import { queryDeliveryLog, SsrfGuard, WebhookEndpointRegistry, webhookSubscriptionName, type DeliveryLogRecord, type EndpointView } from '@switchyard/webhooks';
import { CliError, type CliContext } from '../cli-context.js';
import { EXIT } from '../exit-codes.js';
import { cut, textTable } from '../format/text-table.js';
import { endpointFromFlags, type AddFlags } from './webhooks-flags.js';

/** Flags every webhooks command takes. */
export interface RegistryFlags {
  readonly topic?: string;
  /** CIDRs, addresses or host names the SSRF check of add lets through. */
  readonly ssrfAllow?: string;
}

const BAD_INPUT = ['SY_INVALID_CONFIG', 'SY_WEBHOOK_UNKNOWN_ENDPOINT', 'SY_WEBHOOK_INVALID_SECRET', 'SY_WEBHOOK_ADDRESS_REFUSED'];

async function withRegistry<T>(ctx: CliContext, flags: RegistryFlags, action: (registry: WebhookEndpointRegistry) => Promise<T>): Promise<T> {
  const allow = (flags.ssrfAllow ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  const registry = new WebhookEndpointRegistry(ctx.client(), flags.topic ? { topic: flags.topic } : {}, { guard: new SsrfGuard({ allow }) });
  try {
    return await action(registry);
  } catch (error) {
    if (error instanceof SwitchyardError && BAD_INPUT.includes(error.code)) throw new CliError(EXIT.badInput, `${error.code}: ${error.message}`, error.hint);
    throw error;
  } finally {
    await registry.disconnect();
  }
}

function state(view: EndpointView): string {
  return view.endpoint.enabled ? 'enabled' : `disabled${view.disabledReason ? ` (${cut(view.disabledReason, 30)})` : ''}`;
}

export async function addAction(ctx: CliContext, flags: RegistryFlags & AddFlags): Promise<void> {
  const input = await endpointFromFlags(flags);
  const { view, secret } = await withRegistry(ctx, flags, (registry) => registry.create(input));
  const subscription = webhookSubscriptionName(view.endpoint.id);
  ctx.print({ ...view, secret, subscription }, `Added endpoint ${view.endpoint.id}: ${view.endpoint.eventPattern} -> ${view.endpoint.method} ${view.endpoint.url}\nsecret ${secret}  (shown once: give it to the receiver)\ndead letters: switchyard dlq list --subscription ${subscription}`);
}

export async function listAction(ctx: CliContext, flags: RegistryFlags): Promise<void> {
  const views = await withRegistry(ctx, flags, (registry) => registry.list());
  if (views.length === 0 && !ctx.json) throw new CliError(EXIT.nothingMatched, 'No webhook endpoints.', 'Add one with `switchyard webhooks add --url ... --pattern ...`.');
  const rows = views.map((v) => [v.endpoint.id, state(v), v.endpoint.eventPattern, cut(`${v.endpoint.method} ${v.endpoint.url}`, 50), v.endpoint.tenant ?? '-', v.previousSecretExpiresAt ?? '-']);
  ctx.print(views.map((v) => ({ ...v, subscription: webhookSubscriptionName(v.endpoint.id) })), textTable(['id', 'state', 'pattern', 'target', 'tenant', 'old secret until'], rows));
}

export async function rotateAction(ctx: CliContext, id: string, flags: RegistryFlags & { graceMs?: string }): Promise<void> {
  const graceMs = flags.graceMs === undefined ? undefined : Number(flags.graceMs);
  if (graceMs !== undefined && !(Number.isInteger(graceMs) && graceMs >= 0)) throw new CliError(EXIT.badInput, `--grace-ms: expected a whole number >= 0, got "${flags.graceMs}".`);
  const { view, secret } = await withRegistry(ctx, flags, (registry) => registry.rotateSecret(id, graceMs === undefined ? {} : { graceMs }));
  ctx.print({ ...view, secret }, `Rotated the secret of ${id}: new secret ${secret}\nthe old one keeps signing beside it until ${view.previousSecretExpiresAt ?? 'now'}.`);
}

export async function toggleAction(ctx: CliContext, id: string, flags: RegistryFlags & { reason?: string }, enable: boolean): Promise<void> {
  const view = await withRegistry(ctx, flags, (registry) => (enable ? registry.enable(id) : registry.disable(id, flags.reason)));
  ctx.print(view, enable ? `Enabled ${id}: deliveries resume (events published while disabled are delivered too).` : `Disabled ${id}: nothing is delivered until enabled.`);
}

export async function removeAction(ctx: CliContext, id: string, flags: RegistryFlags & { yes?: boolean }): Promise<void> {
  if (!flags.yes) throw new CliError(EXIT.refused, `Refusing to remove endpoint ${id} without --yes.`, `Run again with --yes, or disable it instead: switchyard webhooks disable ${id}.`);
  await withRegistry(ctx, flags, (registry) => registry.delete(id));
  ctx.print({ id, removed: true }, `Removed endpoint ${id}; its dead letters stay in switchyard dlq --subscription ${webhookSubscriptionName(id)}.`);
}

function deliveryRow(r: DeliveryLogRecord): string[] {
  return [r.startedAt, r.endpointId, r.eventId, String(r.attempt), r.outcome, r.statusCode === undefined ? '-' : String(r.statusCode), String(Math.round(r.latencyMs)), r.next ?? '-', cut(r.error?.message ?? '', 50) || '-'];
}

export async function deliveriesAction(ctx: CliContext, flags: { endpoint?: string; event?: string; limit?: string; deliveriesTopic?: string }): Promise<void> {
  const limit = Number(flags.limit ?? 50);
  if (!Number.isInteger(limit) || limit < 1) throw new CliError(EXIT.badInput, `--limit: expected a whole number >= 1, got "${flags.limit}".`);
  const query = { ...(flags.endpoint ? { endpointId: flags.endpoint } : {}), ...(flags.event ? { eventId: flags.event } : {}), limit };
  const records = await queryDeliveryLog(ctx.client(), query, ...(flags.deliveriesTopic ? [flags.deliveriesTopic] : []));
  if (records.length === 0 && !ctx.json) throw new CliError(EXIT.nothingMatched, 'No delivery attempts match.', 'Check --endpoint / --event.');
  ctx.print(records, textTable(['started', 'endpoint', 'event', 'try', 'outcome', 'status', 'ms', 'next', 'error'], records.map(deliveryRow)));
}
