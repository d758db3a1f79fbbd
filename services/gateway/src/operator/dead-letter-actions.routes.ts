import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AdminPort, KafkaClient } from '@switchyard/kafka';
import { isSubscriptionName, parseDateTimeMs, parseDurationMs, purgeDlq, redriveDlq, resolveDlqSource, SUBSCRIPTION_FORM, type DlqFilter, type DlqSourceSpec } from '@switchyard/ops';
import { apiPathOf, QUEUE_NAME_PATTERN, type GeneratedEndpoint, type RestServerConfig } from '@switchyard/protocol';
import { TenantSchema, tenantForWrite } from '../auth/credential.js';
import { credentialOf } from '../http/access.js';
import { envelope, enveloped } from '../http/envelope.js';
import { segmentOf } from '../http/resource-routes.js';
import { requireClusterAdmin, withEngineFields } from './engine-fields.js';
import { abortedOnDisconnect, OPERATOR_ERRORS, operatorEndpoint } from './operator-route.js';

export interface DeadLetterActionsDeps {
  readonly client: KafkaClient;
  readonly admin: AdminPort;
}

const TIME_FORM = 'an ISO datetime (2024-05-01T10:00:00Z) or a duration before now (45s, 30m, 2h, 7d, PT2H)';
const isTimePoint = (v: string) => parseDurationMs(v) !== undefined || parseDateTimeMs(v) !== undefined;
const timePoint = (v: string, nowMs: number) => {
  const ago = parseDurationMs(v);
  return ago !== undefined ? nowMs - ago : parseDateTimeMs(v)!;
};

/** Whose dead letters (the CLI's --queue / --subscription / --domain): exactly one of queue and subscription. */
const SourceFields = {
  queue: z.string().regex(QUEUE_NAME_PATTERN, 'expected a queue name (a-z first, then a-z, 0-9, _ or -)').optional().describe('A queue: its dead letters are in tasks.<queue>.dlq'),
  subscription: z.string().refine(isSubscriptionName, `expected ${SUBSCRIPTION_FORM}`).optional().describe('Instead of queue: an event-bus subscription (every events.<domain>.dlq.<subscription>)'),
  domain: z.string().regex(/^[a-z][a-z0-9_]{0,99}$/, 'expected an event domain such as user').optional().describe('With subscription: only the DLQ of this event domain'),
};

type SourceBody = { queue?: string | undefined; subscription?: string | undefined; domain?: string | undefined; type?: string | undefined };

function checkSource(body: SourceBody, ctx: z.RefinementCtx): void {
  if ((body.queue === undefined) === (body.subscription === undefined)) {
    ctx.addIssue({ code: 'custom', path: ['queue'], message: body.queue === undefined ? 'give queue or subscription' : 'give either queue or subscription, not both' });
  } else if (body.queue !== undefined && body.domain !== undefined) {
    ctx.addIssue({ code: 'custom', path: ['domain'], message: 'only applies with subscription (a queue has one DLQ)' });
  } else if (body.queue !== undefined && body.type?.includes('.')) {
    ctx.addIssue({ code: 'custom', path: ['type'], message: 'a task type has no dots (event types such as user.created go with subscription)' });
  }
}

function sourceSpecOf(body: SourceBody): DlqSourceSpec {
  return body.queue !== undefined ? { kind: 'queue', queue: body.queue } : { kind: 'subscription', subscription: body.subscription!, ...(body.domain !== undefined ? { domain: body.domain } : {}) };
}

/** The CLI's `dlq redrive` flags as a body. */
const RedriveBody = z
  .strictObject({
    ...SourceFields,
    code: z.string().regex(/^[A-Za-z][A-Za-z0-9_.-]{0,99}$/, 'expected an error code such as SY_UNRECOVERABLE').optional().describe('Only entries that died with this code (sy-dlq-code)'),
    type: z.string().regex(/^[a-z_*][a-z0-9_.*]{0,199}$/, 'expected a task type, or with subscription an event type (* globs)').optional().describe('Task type or, with subscription, event type; * globs'),
    tenant: TenantSchema.optional().describe('Only this tenant (a tenant-bound admin credential: its own)'),
    handler: z.string().min(1).max(200).optional().describe('Only entries whose failed handler is this one'),
    since: z.string().max(64).refine(isTimePoint, `expected ${TIME_FORM}`).optional().describe('Only entries dead at or after'),
    until: z.string().max(64).refine(isTimePoint, `expected ${TIME_FORM}`).optional().describe('Only entries dead before'),
    ids: z.array(z.string().min(1).max(256)).min(1).max(1_000).optional().describe('Only these task ids (queue) or event ids (subscription)'),
    coordinates: z
      .array(z.strictObject({ partition: z.number().int().min(0).max(100_000), offset: z.string().regex(/^\d{1,19}$/, 'expected an offset (a whole number, as a string)'), topic: z.string().min(1).max(249).optional().describe('The DLQ topic (tells the domains of a subscription apart)') }))
      .min(1)
      .max(1_000)
      .optional()
      .describe('Only the entries at these coordinates of the DLQ (topic, partition and offset of GET /data/dead-letters)'),
    limit: z.number().int().min(1).max(1_000_000).optional().describe('At most this many pending entries, oldest death first'),
    rate: z.number().positive().max(100_000).optional().describe('At most this many records per second'),
    dryRun: z.boolean().default(false).describe('Only plan: count what would be redriven, write nothing'),
  })
  .superRefine(checkSource);

const PurgeBody = z.strictObject(SourceFields).superRefine(checkSource);

const Identity = { queue: z.string().optional(), subscription: z.string().optional() };
const RedriveResult = z.object({
  ...Identity,
  dryRun: z.boolean(),
  matched: z.number().int().describe('Entries matching the filters, pending or handled before'),
  wouldRedrive: z.number().int().describe('Entries chosen for redrive'),
  redriven: z.number().int().describe('Entries written (0 in a dry run)'),
  skipped: z.number().int(),
  skippedReasons: z.object({ alreadyRedrivenOrPurged: z.number().int(), notADeadLetter: z.number().int(), overLimit: z.number().int() }),
  targets: z.record(z.string(), z.number().int()).describe('Chosen entries per target topic (lanes, or the replay topic of a subscription)'),
  ids: z.array(z.string().nullable()).describe('Task or event ids of the chosen entries, oldest death first'),
});
const PurgeResult = z.object({ ...Identity, purged: z.number().int().describe('Entries marked purged, then deleted from the DLQ topics') });

/** Engine option -> body field (the engine names its options in backticks). */
const FIELDS = { queue: 'queue', subscription: 'subscription', domain: 'domain' };

/**
 * POST `/data/dead-letters/redrive` and `/purge` (admin): the CLI's `dlq redrive` / `dlq purge`
 * over HTTP, through libs/ops `redriveDlq` / `purgeDlq`. The POST is the confirmation (the CLI's
 * `--yes`); `dryRun` only plans. A client that disconnects stops the write after the chunk in flight.
 */
export function registerDeadLetterActions(app: FastifyInstance, config: RestServerConfig, deps: DeadLetterActionsDeps): GeneratedEndpoint[] {
  const zapp = app.withTypeProvider<ZodTypeProvider>();
  const api = config.api;
  const override = config.routes.overrides['dead-letters'];
  const base = `${apiPathOf(api)}${override?.basePath ?? config.crud.dataPrefix}/${segmentOf('dead-letters', config.routes.nameTransform)}`;
  const route = { access: 'admin' as const, invalidCode: 'SY_INVALID_ARGUMENT' as const };
  const tags = ['dead-letters'];
  const redriveSummary = 'Redrive dead letters (a queue: back to their lanes; a subscription: to its replay topic)';
  zapp.post(`${base}/redrive`, { config: route, schema: { summary: redriveSummary, tags, body: RedriveBody, response: { 200: enveloped(api, RedriveResult), ...OPERATOR_ERRORS } } }, async (request, reply) => {
    const body = request.body;
    const tenant = tenantForWrite(credentialOf(request), body.tenant, 'tenant');
    const nowMs = Date.now();
    const filter: DlqFilter = {
      ...(body.code !== undefined ? { code: body.code } : {}),
      ...(body.type !== undefined ? { type: body.type } : {}),
      ...(tenant !== undefined ? { tenant } : {}),
      ...(body.handler !== undefined ? { handler: body.handler } : {}),
      ...(body.since !== undefined ? { since: timePoint(body.since, nowMs) } : {}),
      ...(body.until !== undefined ? { until: timePoint(body.until, nowMs) } : {}),
      ...(body.ids !== undefined ? { ids: body.ids } : {}),
      ...(body.coordinates !== undefined ? { coordinates: body.coordinates } : {}),
    };
    const signal = abortedOnDisconnect(reply);
    const { source, outcome } = await withEngineFields(FIELDS, async () => {
      const source = await resolveDlqSource(deps.admin, deps.client, sourceSpecOf(body));
      const outcome = await redriveDlq(deps.client, deps.admin, { source, filter, ...(body.limit !== undefined ? { limit: body.limit } : {}), ...(body.rate !== undefined ? { rate: body.rate } : {}), execute: !body.dryRun, signal });
      return { source, outcome };
    });
    return envelope(api, request, {
      ...source.identity,
      dryRun: body.dryRun,
      matched: outcome.matched,
      wouldRedrive: outcome.redrivable.length,
      redriven: outcome.redriven,
      skipped: outcome.matched - outcome.redriven,
      skippedReasons: outcome.skippedReasons,
      targets: outcome.targets,
      ids: outcome.redrivable.map((e) => e.id ?? null),
    });
  });
  const purgeSummary = 'Purge every pending dead letter of a queue or subscription (marked purged, then deleted)';
  zapp.post(`${base}/purge`, { config: route, schema: { summary: purgeSummary, tags, body: PurgeBody, response: { 200: enveloped(api, PurgeResult), ...OPERATOR_ERRORS } } }, async (request, reply) => {
    requireClusterAdmin(credentialOf(request), 'A purge');
    const signal = abortedOnDisconnect(reply);
    const { source, purged } = await withEngineFields(FIELDS, async () => {
      const source = await resolveDlqSource(deps.admin, deps.client, sourceSpecOf(request.body));
      return { source, purged: await purgeDlq(deps.client, deps.admin, source, { signal }) };
    });
    return envelope(api, request, { ...source.identity, purged });
  });
  return [operatorEndpoint('dead-letters', 'redrive', 'POST', `${base}/redrive`, redriveSummary), operatorEndpoint('dead-letters', 'purge', 'POST', `${base}/purge`, purgeSummary)];
}
