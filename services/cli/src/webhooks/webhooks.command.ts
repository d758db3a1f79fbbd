import { Option, type Command } from 'commander';
import type { ContextFactory } from '../cli-context.js';
import { withContext } from '../format/with-context.js';
import type { AddFlags } from './webhooks-flags.js';
import { addAction, deliveriesAction, listAction, removeAction, rotateAction, toggleAction, type RegistryFlags } from './webhooks.action.js';

const collect = (value: string, previous: string[] = []) => [...previous, value];

/** `switchyard webhooks add|list|rotate-secret|disable|enable|remove|deliveries` (engine: WebhookEndpointRegistry of libs/webhooks). */
export function registerWebhooksCommands(program: Command, context: ContextFactory): void {
  const webhooks = program.command('webhooks').description('Manage webhook endpoints (signed HTTP delivery of events) and read their delivery log');
  const common = (command: Command) =>
    command
      .addOption(new Option('--topic <topic>', 'the endpoints topic (default switchyard.state.webhooks)'))
      .addOption(new Option('--ssrf-allow <list>', 'comma-separated CIDRs/addresses/hosts the SSRF check of a URL lets through (e.g. 127.0.0.1/32)'));

  common(webhooks.command('add').description('Register an endpoint from --file <endpoint.json> or flags; prints its secret once'))
    .option('--file <file>', 'a JSON file with one endpoint (EventWebhookConfig fields, id, tenant, concurrency, ordered)')
    .option('--id <id>', 'endpoint id (default ep_<uuid>)')
    .option('--url <url>', 'http(s) URL the events are sent to')
    .option('--pattern <pattern>', 'event-name pattern (order.*, *.created, *)')
    .option('--method <method>', 'POST (default), PUT, PATCH or GET')
    .option('--header <name:value>', 'extra header (repeatable)', collect)
    .option('--bearer <token>', 'Authorization: Bearer <token>')
    .option('--tenant <tenant>', "only this tenant's events")
    .option('--description <text>', 'what the endpoint is for')
    .option('--timeout-ms <ms>', 'attempt timeout (default 30000)')
    .option('--max-retries <n>', 'retries after the first attempt (default 3)')
    .option('--concurrency <n>', 'deliveries in flight per dispatcher process')
    .option('--ordered', 'keep retries in order per event key')
    .option('--disabled', 'register it disabled')
    .option('--secret <whsec>', 'use this signing secret instead of a generated one')
    .action(async (flags: RegistryFlags & AddFlags, command: Command) => withContext(context(command), (ctx) => addAction(ctx, flags)));

  common(webhooks.command('list').description('List endpoints; exit 3 when there are none')).action(async (flags: RegistryFlags, command: Command) => withContext(context(command), (ctx) => listAction(ctx, flags)));

  common(webhooks.command('rotate-secret <id>').description('New signing secret; the old one keeps signing beside it for the grace period'))
    .option('--grace-ms <ms>', 'how long the old secret still signs (default 24 h)')
    .action(async (id: string, flags: RegistryFlags & { graceMs?: string }, command: Command) => withContext(context(command), (ctx) => rotateAction(ctx, id, flags)));

  common(webhooks.command('disable <id>').description('Stop delivering to an endpoint'))
    .option('--reason <text>', 'why (shown by list)')
    .action(async (id: string, flags: RegistryFlags & { reason?: string }, command: Command) => withContext(context(command), (ctx) => toggleAction(ctx, id, flags, false)));
  common(webhooks.command('enable <id>').description('Deliver to an endpoint again')).action(async (id: string, flags: RegistryFlags, command: Command) => withContext(context(command), (ctx) => toggleAction(ctx, id, flags, true)));

  common(webhooks.command('remove <id>').description('Delete an endpoint (needs --yes)'))
    .option('--yes', 'really remove')
    .action(async (id: string, flags: RegistryFlags & { yes?: boolean }, command: Command) => withContext(context(command), (ctx) => removeAction(ctx, id, flags)));

  webhooks
    .command('deliveries')
    .description('Delivery attempts from the delivery log, oldest first; exit 3 when none match')
    .option('--endpoint <id>', "one endpoint's attempts")
    .option('--event <id>', "one event's attempts")
    .option('--limit <n>', 'the newest n (default 50)')
    .option('--deliveries-topic <topic>', 'the delivery log topic (default switchyard.webhooks.deliveries)')
    .action(async (flags: { endpoint?: string; event?: string; limit?: string; deliveriesTopic?: string }, command: Command) => withContext(context(command), (ctx) => deliveriesAction(ctx, flags)));
}
