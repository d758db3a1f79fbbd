/**
 * What a stream request asks for (query of GET /api/v1/stream and of the WebSocket upgrade, and
 * the WebSocket subscribe/unsubscribe messages), validated at the edge, and who asks (the
 * credential, from the headers or, for browsers whose EventSource cannot send headers, from
 * `access_token`).
 */
import { z } from 'zod';
import { SwitchyardError } from '@switchyard/protocol';
import { EventPatternSchema } from '@switchyard/kafka';
import { StreamCursor, type StreamPolicy, type StreamScope, type StreamSubscription } from '@switchyard/realtime';
import { isAdmin, type Credential } from '../auth/credential.js';
import type { Authenticator } from '../auth/authenticator.js';
import { GatewayError } from '../errors/gateway-error.js';

const list = (item: z.ZodString) =>
  z
    .string()
    .max(8_192)
    .transform((s) => s.split(',').map((x) => x.trim()).filter(Boolean))
    .pipe(z.array(item).max(100));

const TaskIdSchema = z.string().min(1).max(200);
const ChannelNameSchema = z.string().min(1).max(200);

/** Query of the stream endpoints (comma-separated lists). */
export const StreamQuerySchema = z.object({
  channels: list(ChannelNameSchema).optional().describe('Named channels of the server config (comma-separated)'),
  events: list(EventPatternSchema).optional().describe('Event name patterns, e.g. `shop.*,user.created` (comma-separated)'),
  tasks: list(TaskIdSchema).optional().describe('Task ids whose status changes to push, or `*` for every task of the tenant (comma-separated)'),
  lastEventId: z.string().max(16_384).optional().describe('Resume after this message id (the WebSocket way of Last-Event-ID; SSE clients send the header)'),
  access_token: z.string().max(8_192).optional().describe('The credential, for browsers whose EventSource cannot send an Authorization header'),
});
export type StreamQuery = z.infer<typeof StreamQuerySchema>;

/** A WebSocket client's message. */
export const StreamCommandSchema = z.object({
  type: z.enum(['subscribe', 'unsubscribe']),
  channels: z.array(ChannelNameSchema).max(100).default([]),
  events: z.array(EventPatternSchema).max(100).default([]),
  tasks: z.array(TaskIdSchema).max(1_000).default([]),
});
export type StreamCommand = z.infer<typeof StreamCommandSchema>;

/** The credential of a stream request: headers first, then `access_token`. @throws GatewayError SY_UNAUTHENTICATED */
export async function streamCredential(authenticator: Authenticator, headers: Readonly<Record<string, string | string[] | undefined>>, accessToken: string | undefined): Promise<Credential> {
  if (headers.authorization === undefined && headers['x-api-key'] === undefined && accessToken !== undefined) return authenticator.authenticate({ authorization: `Bearer ${accessToken}` });
  return authenticator.authenticate(headers);
}

/**
 * What the credential may see on a stream: its tenant, its user (a JWT's subject, as its
 * credential id `jwt:<iss>:<sub>`, the same id the gateway writes as a task's createdBy; an API
 * key is a service credential with no user), and whether it reads tasks and events.
 * @throws GatewayError SY_FORBIDDEN without tasks:read or events:read
 */
export function streamScope(credential: Credential): StreamScope {
  const admin = isAdmin(credential);
  const scope: StreamScope = {
    tenant: credential.tenant,
    user: credential.kind === 'jwt' && !admin ? credential.id : undefined,
    canReadTasks: admin || credential.scopes.has('tasks:read'),
    canReadEvents: admin || credential.scopes.has('events:read'),
  };
  if (!scope.canReadTasks && !scope.canReadEvents) throw new GatewayError('SY_FORBIDDEN', 'This credential lacks the scope tasks:read or events:read a stream needs.', { hint: 'Use a credential with tasks:read (task status) and/or events:read (events).' });
  if (scope.tenant === undefined && !admin) throw new GatewayError('SY_FORBIDDEN', 'This credential has no tenant.', { hint: 'Use a credential of a tenant, or an admin credential.' });
  return scope;
}

/** The subscription a query or command names; unknown channels are refused. @throws SwitchyardError SY_INVALID_ARGUMENT naming the field */
export function streamSubscription(policy: StreamPolicy, asked: { channels?: readonly string[] | undefined; events?: readonly string[] | undefined; tasks?: readonly string[] | undefined }, field: string): StreamSubscription {
  const unknown = (asked.channels ?? []).find((c) => !policy.hasChannel(c));
  if (unknown !== undefined) {
    throw new SwitchyardError('SY_INVALID_ARGUMENT', `${field}.channels: no channel "${unknown}".`, { details: { field: `${field}.channels` }, hint: `Channels of this gateway: ${policy.channelNames.join(', ') || 'none configured'}.` });
  }
  return { channels: [...(asked.channels ?? [])], events: [...(asked.events ?? [])], tasks: [...(asked.tasks ?? [])] };
}

/** The resume position a client sent (Last-Event-ID header or lastEventId), undefined for none. @throws SwitchyardError SY_INVALID_ARGUMENT */
export function resumeCursor(headerValue: string | string[] | undefined, queryValue: string | undefined): StreamCursor | undefined {
  const header = Array.isArray(headerValue) ? headerValue[0] : headerValue;
  if (header !== undefined && header !== '') return StreamCursor.decode(header, 'headers.last-event-id');
  if (queryValue !== undefined && queryValue !== '') return StreamCursor.decode(queryValue, 'query.lastEventId');
  return undefined;
}
