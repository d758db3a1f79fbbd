import { z } from 'zod';
import type { AdminPort, KafkaClient } from '@switchyard/kafka';
import { entryJson, isSubscriptionName, loadDlq, resolveDlqSource, SUBSCRIPTION_FORM, type DlqSourceSpec } from '@switchyard/ops';
import { SwitchyardError } from '@switchyard/protocol';
import { TenantSchema } from '../auth/credential.js';
import { withEngineFields } from '../operator/engine-fields.js';
import type { ResourceDefinition } from './resource-definition.js';

export interface DeadLettersResourceDeps {
  readonly client: KafkaClient;
  readonly admin: AdminPort;
  readonly queues: readonly string[];
}

const CURSOR = /^[0-9]{1,9}$/;

/** Engine option -> query field (the engine names its options in backticks). */
const FIELDS = { queue: 'query.queue', subscription: 'query.subscription', domain: 'query.domain', code: 'query.code', type: 'query.type', tenant: 'query.tenant' };

/** Whose dead letters a list reads: a queue (default the first), or an event-bus subscription (every domain, or one). */
function sourceOf(q: { queue?: string; subscription?: string; domain?: string; type?: string }, queues: readonly string[]): DlqSourceSpec {
  const refuse = (field: string, message: string, hint: string) => new SwitchyardError('SY_INVALID_ARGUMENT', message, { hint, details: { field } });
  if (q.queue !== undefined && q.subscription !== undefined) throw refuse('query.subscription', 'query.subscription: give either query.queue or query.subscription, not both.', 'A queue has one DLQ; a subscription has one per event domain.');
  if (q.domain !== undefined && q.subscription === undefined) throw refuse('query.domain', 'query.domain only applies with query.subscription.', 'Add subscription=<name>, or leave domain out.');
  if (q.subscription === undefined) return { kind: 'queue', queue: q.queue ?? queues[0]! };
  return { kind: 'subscription', subscription: q.subscription, ...(q.domain !== undefined ? { domain: q.domain } : {}) };
}

/**
 * `dead-letters`: the pending (not yet redriven or purged) dead letters of a queue or of an
 * event-bus subscription (`?subscription=`, every domain's DLQ or `&domain=` one), oldest death
 * first, through the operator engine (libs/ops loadDlq). A tenant credential sees only its
 * tenant's entries (the engine's tenant filter); an admin may filter by any tenant. Each read
 * scans the DLQ topic (operator use, not a hot path); the cursor is the position in that
 * death-time order, stable while entries are only added.
 */
export function deadLettersResource(deps: DeadLettersResourceDeps): ResourceDefinition {
  return {
    name: 'dead-letters',
    description: 'Dead-lettered tasks of a queue, or dead events of an event-bus subscription (redrive and purge: POST /data/dead-letters/redrive and /purge, admin).',
    invalidCode: 'SY_INVALID_ARGUMENT',
    scopes: { write: 'admin', read: 'tasks:read' },
    list: {
      query: z.strictObject({
        queue: z.enum(deps.queues as [string, ...string[]]).optional().describe(`Queue (default ${deps.queues[0]}, unless subscription is given)`),
        subscription: z.string().refine(isSubscriptionName, `expected ${SUBSCRIPTION_FORM}`).optional().describe('Instead of queue: an event-bus subscription (every events.<domain>.dlq.<subscription>)'),
        domain: z.string().regex(/^[a-z][a-z0-9_]{0,99}$/, 'expected an event domain such as user').optional().describe('With subscription: only the DLQ of this event domain'),
        code: z.string().min(1).max(100).optional().describe('Error code, e.g. SY_TASK_FAILED'),
        type: z.string().min(1).max(200).optional().describe('Task type, or with subscription event type; * matches any run of characters'),
        tenant: TenantSchema.optional().describe("Tenant (a tenant credential sees only its own)"),
        limit: z.coerce.number().int().min(1).max(200).default(50),
        cursor: z.string().regex(CURSOR, 'expected the nextCursor of a previous page').optional(),
      }),
      item: z.looseObject({ tenant: z.string().nullable(), state: z.string() }),
      summary: 'Pending dead letters of a queue or a subscription, oldest first',
      async handle(query, { credential }) {
        const q = query as { queue?: string; subscription?: string; domain?: string; code?: string; type?: string; tenant?: string; limit: number; cursor?: string };
        if (credential.tenant !== undefined && q.tenant !== undefined && q.tenant !== credential.tenant) {
          throw new SwitchyardError('SY_INVALID_ARGUMENT', `query.tenant is "${q.tenant}", but this credential reads only tenant "${credential.tenant}".`, { hint: 'Leave tenant out.', details: { field: 'query.tenant' } });
        }
        const tenant = credential.tenant ?? q.tenant;
        const loaded = await withEngineFields(FIELDS, async () => {
          const source = await resolveDlqSource(deps.admin, deps.client, sourceOf(q, deps.queues));
          return loadDlq(deps.client, deps.admin, source, { ...(tenant ? { tenant } : {}), ...(q.code ? { code: q.code } : {}), ...(q.type ? { type: q.type } : {}) });
        });
        const start = q.cursor ? Number(q.cursor) : 0;
        const page = loaded.pending.slice(start, start + q.limit);
        const next = start + page.length < loaded.pending.length ? String(start + page.length) : null;
        return { items: page.map((e) => entryJson(e)), pagination: { limit: q.limit, cursor: q.cursor ?? null, nextCursor: next, total: loaded.pending.length } };
      },
    },
  };
}
