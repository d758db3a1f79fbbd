import { z } from 'zod';
import { isSubscriptionName, SUBSCRIPTION_FORM, type ReplayFlags } from '@switchyard/ops';
import { TenantSchema } from '../auth/credential.js';

const KafkaName = (what: string) => z.string().regex(/^[A-Za-z0-9._-]{1,249}$/, `expected a ${what} (1-249 letters, digits, '.', '_' or '-')`);
const Offset = z.string().regex(/^\d{1,19}$/, 'expected an offset (a whole number, as a string)');
const TimeSpec = z.string().min(1).max(64);
const HandlerId = z.string().regex(/^[A-Za-z0-9_.:-]{1,200}$/, 'expected a handler id');
const Pairs = (what: string) => z.record(z.string().min(1).max(200), z.string().max(1_000)).refine((r) => Object.keys(r).length <= 50, 'at most 50 entries').describe(what);

/**
 * The body of `POST /replays`: the CLI's `replay` flags (ReplayFlags of libs/ops) in JSON form.
 * Shape and limits are checked here; what needs the engine's rules (one of from / partitions, to
 * after from, time forms) is checked by `parseReplayOptions`, whose errors name the body field.
 */
export const ReplayRequestSchema = z
  .strictObject({
    topic: KafkaName('topic').describe('Topic to read'),
    partitions: z
      .array(z.strictObject({ partition: z.number().int().min(0).max(100_000), fromOffset: Offset.describe('First offset (inclusive)'), toOffset: Offset.optional().describe('Last offset (inclusive); default: the log end') }))
      .min(1)
      .max(1_000)
      .optional()
      .describe('Offset ranges, one per partition (instead of from/to)'),
    from: TimeSpec.optional().describe('Start of a time range: ISO datetime or a duration ago (2h, 30m, P1D)'),
    to: TimeSpec.optional().describe('End of the time range (exclusive; default: now)'),
    types: z.array(z.string().min(1).max(200)).max(50).default([]).describe('Task type (sy-task-type) or CloudEvents type (ce_type) patterns, * globs'),
    tenants: z.array(TenantSchema).max(50).default([]).describe('Tenants (sy-tenant or ce_tenantid)'),
    headers: Pairs('Header name -> value every copied record must have').default({}),
    where: Pairs('JSON value path (order.status) -> value every copied record must have').default({}),
    toTopic: KafkaName('topic').optional().describe('Where copies go (default: the origin topic)'),
    subscription: z.string().refine(isSubscriptionName, `expected ${SUBSCRIPTION_FORM}`).optional().describe('Instead of toTopic: replay into this event-bus subscription only'),
    handlers: z.array(HandlerId).min(1).max(50).optional().describe('With subscription: only these handlers run the events'),
    rate: z.number().positive().max(1_000_000).optional().describe('At most this many records written per second'),
    speed: z.number().positive().max(1_000_000).optional().describe('Pace by record timestamps (1 = original pace)'),
    dryRun: z.boolean().default(false).describe('Count per partition; write nothing'),
    id: z.string().regex(/^[A-Za-z0-9._-]{1,200}$/, "expected letters, digits, '.', '_' or '-'").optional().describe('Replay id (progress group switchyard.replay.<id>); default: a hash of the selection, so the same body resumes'),
  })
  .superRefine((body, ctx) => {
    const ranges = body.partitions ?? [];
    const bounded = ranges.filter((r) => r.toOffset !== undefined).length;
    if (bounded > 0 && bounded < ranges.length) ctx.addIssue({ code: 'custom', path: ['partitions', ranges.findIndex((r) => r.toOffset === undefined), 'toOffset'], message: 'give toOffset on every range or on none' });
    for (const [i, r] of ranges.entries()) {
      if (r.toOffset !== undefined && BigInt(r.toOffset) < BigInt(r.fromOffset)) ctx.addIssue({ code: 'custom', path: ['partitions', i, 'toOffset'], message: 'is before fromOffset' });
    }
  });

export type ReplayRequest = z.output<typeof ReplayRequestSchema>;

/** The engine's flags of a request. */
export function replayFlagsOf(body: ReplayRequest): ReplayFlags {
  const ranges = body.partitions ?? [];
  return {
    topic: body.topic,
    partition: ranges.map((r) => String(r.partition)),
    fromOffset: ranges.map((r) => r.fromOffset),
    toOffset: ranges.flatMap((r) => (r.toOffset === undefined ? [] : [r.toOffset])),
    ...(body.from !== undefined ? { from: body.from } : {}),
    ...(body.to !== undefined ? { to: body.to } : {}),
    type: body.types,
    tenant: body.tenants,
    header: Object.entries(body.headers).map(([name, value]) => `${name}=${value}`),
    where: Object.entries(body.where).map(([path, value]) => `${path}=${value}`),
    ...(body.toTopic !== undefined ? { toTopic: body.toTopic } : {}),
    ...(body.subscription !== undefined ? { subscription: body.subscription } : {}),
    ...(body.handlers !== undefined ? { handlers: body.handlers.join(',') } : {}),
    ...(body.rate !== undefined ? { rate: String(body.rate) } : {}),
    ...(body.speed !== undefined ? { speed: String(body.speed) } : {}),
    dryRun: body.dryRun,
    ...(body.id !== undefined ? { id: body.id } : {}),
  };
}

/** Engine option (in backticks in its errors) -> body field. */
export const REPLAY_FIELDS: Readonly<Record<string, string>> = {
  topic: 'topic',
  partition: 'partitions',
  fromOffset: 'partitions',
  toOffset: 'partitions',
  from: 'from',
  to: 'to',
  header: 'headers',
  where: 'where',
  toTopic: 'toTopic',
  subscription: 'subscription',
  handlers: 'handlers',
  rate: 'rate',
  speed: 'speed',
  id: 'id',
};
