import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AdminPort } from '@switchyard/kafka';
import { readGroupOffsets, resetGroupOffsets, resetStrategyOf, type ResetFlags } from '@switchyard/ops';
import { apiPathOf, type GeneratedEndpoint, type RestServerConfig } from '@switchyard/protocol';
import { credentialOf } from '../http/access.js';
import { envelope, enveloped } from '../http/envelope.js';
import { requireClusterAdmin, withEngineFields } from './engine-fields.js';
import { OPERATOR_ERRORS, operatorEndpoint } from './operator-route.js';

/** A consumer group id or a topic name as Kafka allows them. */
const KAFKA_NAME = /^[A-Za-z0-9._-]{1,249}$/;
const KafkaName = (what: string) => z.string().regex(KAFKA_NAME, `expected a ${what} (1-249 letters, digits, '.', '_' or '-')`);
const GroupParams = z.strictObject({ group: KafkaName('consumer group id') });
const OffsetsQuery = z.strictObject({
  topic: z.union([KafkaName('topic'), z.array(KafkaName('topic')).max(100)]).optional().describe('Topic (repeatable); default: every topic the group committed on'),
});
const INTEGER = /^[+-]?\d{1,19}$/;

/** The CLI's `offsets --reset` flags (ResetFlags) as a body: exactly one target, the topics, and dryRun instead of --execute. */
const ResetBody = z
  .strictObject({
    topics: z.array(KafkaName('topic')).min(1).max(100).describe('Topics to reset'),
    toEarliest: z.literal(true).optional().describe('To the log start'),
    toLatest: z.literal(true).optional().describe('To the log end'),
    toDatetime: z.string().min(1).max(64).optional().describe('To the first record at or after this ISO datetime'),
    byDuration: z.string().min(1).max(64).optional().describe('To the first record younger than this (2h, 30m, PT2H)'),
    shiftBy: z.string().regex(INTEGER, 'expected an integer such as -10').optional().describe('Move the committed offset by n (negative goes back)'),
    toOffset: z.string().regex(/^\d{1,19}$/, 'expected an offset (a whole number)').optional().describe('To offset n'),
    dryRun: z.boolean().default(false).describe('Only plan; nothing is committed'),
  })
  .superRefine((body, ctx) => {
    const targets = (['toEarliest', 'toLatest', 'toDatetime', 'byDuration', 'shiftBy', 'toOffset'] as const).filter((k) => body[k] !== undefined);
    if (targets.length !== 1) ctx.addIssue({ code: 'custom', path: [targets[1] ?? 'toEarliest'], message: `a reset needs exactly one of toEarliest, toLatest, toDatetime, byDuration, shiftBy, toOffset (got ${targets.length})` });
  });

const Row = z.object({ topic: z.string(), partition: z.number().int(), committed: z.string().nullable(), low: z.string(), high: z.string(), lag: z.string() });
const PlanRow = z.object({ topic: z.string(), partition: z.number().int(), current: z.string().nullable(), new: z.string() });
/** Engine option -> request field. */
const FIELDS = { topic: 'topics', toDatetime: 'toDatetime', byDuration: 'byDuration', shiftBy: 'shiftBy', toOffset: 'toOffset' };

/**
 * GET `/offsets/:group` (lag per partition) and POST `/offsets/:group/reset` (plan, then apply
 * unless dryRun), admin without a tenant: the CLI's `offsets` through libs/ops. A reset is refused
 * with 409 SY_OPERATION_REFUSED while the group has live members.
 */
export function registerOffsetsRoutes(app: FastifyInstance, config: RestServerConfig, admin: AdminPort): GeneratedEndpoint[] {
  const zapp = app.withTypeProvider<ZodTypeProvider>();
  const api = config.api;
  const base = `${apiPathOf(api)}/offsets/:group`;
  const route = { access: 'admin' as const, invalidCode: 'SY_INVALID_ARGUMENT' as const };
  const tags = ['offsets'];
  const readSummary = "A consumer group's committed offsets and lag per partition";
  zapp.get(base, { config: route, schema: { summary: readSummary, tags, params: GroupParams, querystring: OffsetsQuery, response: { 200: enveloped(api, z.object({ group: z.string(), partitions: z.array(Row) })), ...OPERATOR_ERRORS } } }, async (request) => {
    requireClusterAdmin(credentialOf(request), 'Reading consumer-group offsets');
    const { topic } = request.query;
    const topics = topic === undefined ? [] : Array.isArray(topic) ? topic : [topic];
    const partitions = await withEngineFields({ topic: 'query.topic' }, () => readGroupOffsets(admin, request.params.group, topics));
    return envelope(api, request, { group: request.params.group, partitions });
  });
  const resetSummary = "Reset a consumer group's offsets (refused while it has live members)";
  zapp.post(`${base}/reset`, { config: route, schema: { summary: resetSummary, tags, params: GroupParams, body: ResetBody, response: { 200: enveloped(api, z.object({ group: z.string(), dryRun: z.boolean(), partitions: z.array(PlanRow) })), ...OPERATOR_ERRORS } } }, async (request) => {
    requireClusterAdmin(credentialOf(request), 'An offsets reset');
    const { topics, dryRun, ...flags } = request.body;
    const groupId = request.params.group;
    const plans = await withEngineFields(FIELDS, () => resetGroupOffsets(admin, { groupId, topics, strategy: resetStrategyOf(flags as ResetFlags, Date.now()), execute: !dryRun }));
    const partitions = plans.flatMap((plan) => plan.partitions.map((p) => ({ topic: plan.topic, partition: p.partition, current: p.current?.toString() ?? null, new: p.next.toString() })));
    return envelope(api, request, { group: groupId, dryRun, partitions });
  });
  return [operatorEndpoint('offsets', 'read', 'GET', base, readSummary), operatorEndpoint('offsets', 'reset', 'POST', `${base}/reset`, resetSummary)];
}
