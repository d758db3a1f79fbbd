import { z } from 'zod';
import { QUEUE_NAME_PATTERN } from '@switchyard/protocol';

/** Subscription names become group and topic names: a-z first, then a-z, 0-9, _ or - (no dots). */
export const SubscriptionNameSchema = z.string().regex(QUEUE_NAME_PATTERN, { message: 'must start with a-z and contain only a-z, 0-9, _ or - (at most 100 characters)' });

/**
 * Dedup on the CloudEvents id (`ce_id`): an event whose id this subscription handled within the
 * window is skipped. Costs about 100 bytes of heap per remembered id (a 36-character id; the
 * default maxIds, 100k, is about 10 MB), one small record per handled event in a compacted topic,
 * and a read of that topic on start and on each rebalance. See event-dedup.ts for what it covers.
 */
export const DedupOptionsSchema = z
  .object({
    /** How long an id is remembered after its event was handled (ms; 1 s to 30 days). */
    windowMs: z.number().int().min(1_000).max(30 * 86_400_000).default(86_400_000),
    /** Most ids remembered; the oldest go first (1 to 10 million). */
    maxIds: z.number().int().min(1).max(10_000_000).default(100_000),
  })
  .strict();

export type DedupOptions = z.output<typeof DedupOptionsSchema>;

/** How one subscription consumes. Every process started with the same `name` shares its partitions. */
export const SubscriptionOptionsSchema = z
  .object({
    /** The subscription: its consumer group is `switchyard.events.<name>`, its DLQs `events.<domain>.dlq.<name>`. */
    name: SubscriptionNameSchema,
    /** Tenant scope: only events of this tenant reach the handlers; others are skipped. */
    tenantId: z.string().min(1).optional(),
    /** Events handled at once by this process (the protocol's EventQueueConfig.concurrency). */
    concurrency: z.number().int().min(1).max(10_000).default(10),
    /** Events of one tenant handled at once (unlimited when unset). */
    perTenantConcurrency: z.number().int().min(1).optional(),
    /**
     * Key-ordered retries: while a handler retries an event of a tenant (the record key) through the
     * retry topics, that handler's later events of the same tenant wait behind it (parked in the
     * retry topics), so each handler sees a tenant's events in order; other tenants and other
     * handlers keep flowing. Needs every topic of the subscription to have the same partition count
     * (it is switched off with a warning otherwise).
     */
    orderedRetries: z.boolean().default(true),
    /** Write an EventLogEntry per handled event to `switchyard.event-log`. */
    eventLog: z.boolean().default(true),
    /** Also copy the payload into each log entry (default: metadata only; the payload stays in the event topic). */
    eventLogPayload: z.boolean().default(false),
    /** Where a new subscription starts: every retained event (earliest) or only new ones (latest). */
    startFrom: z.enum(['earliest', 'latest']).default('earliest'),
    /** Domains whose topics are created (if missing) and read even before their first event: needed by wildcard subscriptions such as `*.created`. */
    domains: z.array(z.string().regex(/^[a-z][a-z0-9_]*$/, { message: 'must be an event domain: a-z first, then a-z, 0-9 or _' })).default([]),
    /** Default handler timeout (ms) when a handler gives no timeoutMs. */
    defaultTimeoutMs: z.number().int().positive().default(30_000),
    /** How often outcomes and offsets are committed (ms). */
    commitIntervalMs: z.number().int().min(1).max(60_000).default(100),
    /** Events buffered per priority lane before its partitions are paused. */
    bufferSize: z.number().int().min(1).default(500),
    /** Share of picks given to lower lanes while a higher lane has work (starvation guard). */
    minLowerLaneShare: z.number().min(0).max(1).default(0.1),
    /**
     * The rerun window: most events started and not yet committed (running, waiting for their
     * transaction, or held back behind a lower offset still in flight). When reached, no event
     * starts until a commit lands, so a crash makes at most this many events run again.
     */
    maxUncommitted: z.number().int().min(1).default(1000),
    sessionTimeoutMs: z.number().int().min(6_000).default(30_000),
    /**
     * Fetch batching: the broker answers a fetch once `fetchMinBytes` are there or after
     * `fetchMaxWaitMs`. Under a steady trickle this cuts fetches (and CPU) by an order of magnitude
     * for at most fetchMaxWaitMs of added latency.
     */
    fetchMinBytes: z.number().int().min(1).default(64 * 1024),
    fetchMaxWaitMs: z.number().int().min(1).max(10_000).default(20),
    /** How long close() lets running handlers finish before aborting them (ms). */
    shutdownTimeoutMs: z.number().int().min(0).default(30_000),
    /** Skip events whose CloudEvents id was handled within a window (off by default; `{}` takes the defaults). */
    dedup: DedupOptionsSchema.optional(),
    /** Stable id of this process inside the subscription (transactional id suffix); random by default. */
    instanceId: z.string().regex(/^[A-Za-z0-9._-]{1,100}$/).optional(),
  })
  .strict();

export type SubscriptionOptions = z.output<typeof SubscriptionOptionsSchema>;
export type SubscriptionOptionsInput = z.input<typeof SubscriptionOptionsSchema>;
