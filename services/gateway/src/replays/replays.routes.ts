import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { apiPathOf, type GeneratedEndpoint, type RestServerConfig } from '@switchyard/protocol';
import { credentialOf } from '../http/access.js';
import { envelope, enveloped } from '../http/envelope.js';
import { requireClusterAdmin, withEngineFields } from '../operator/engine-fields.js';
import { OPERATOR_ERRORS, operatorEndpoint } from '../operator/operator-route.js';
import type { ReplayJobs } from './replay-jobs.js';
import { REPLAY_FIELDS, replayFlagsOf, ReplayRequestSchema } from './replay-request.schema.js';

const Counts = { read: z.number().int(), matched: z.number().int(), written: z.number().int() };
const JobSchema = z
  .object({
    id: z.string().describe('Job id (this gateway process only)'),
    replayId: z.string().describe('Replay id: its progress group is switchyard.replay.<id>; the same selection resumes it'),
    group: z.string().describe('Consumer group holding the replay progress (switchyard.replay.<replayId>)'),
    state: z.enum(['queued', 'running', 'completed', 'failed', 'cancelled']),
    topic: z.string(),
    toTopic: z.string(),
    subscription: z.string().optional(),
    targetHandlers: z.array(z.string()).optional(),
    dryRun: z.boolean(),
    resumed: z.boolean().describe('An earlier run of this replay had committed progress'),
    progress: z.object({
      total: z.number().int().describe('Offsets left to read when the job started (an upper bound of records)'),
      ...Counts,
      percent: z.number().int().min(0).max(100),
      partitions: z.array(z.object({ partition: z.number().int(), start: z.string(), end: z.string(), resumedAt: z.string(), ...Counts })),
    }),
    createdAt: z.string(),
    startedAt: z.string().nullable(),
    finishedAt: z.string().nullable(),
    error: z.object({ code: z.string(), message: z.string(), field: z.string().nullable() }).nullable(),
  })
  .meta({ id: 'ReplayJob' });
const JobParams = z.strictObject({ id: z.string().min(1).max(100) });

/**
 * Replays as pollable jobs (admin without a tenant): POST `/replays` validates, plans and starts
 * one (202), GET `/replays/:id` polls it, GET `/replays` lists this process's jobs (newest
 * first), DELETE `/replays/:id` cancels it (the run stops after its transaction in flight).
 */
export function registerReplayRoutes(app: FastifyInstance, config: RestServerConfig, jobs: ReplayJobs): GeneratedEndpoint[] {
  const zapp = app.withTypeProvider<ZodTypeProvider>();
  const api = config.api;
  const base = `${apiPathOf(api)}/replays`;
  const route = { access: 'admin' as const, invalidCode: 'SY_INVALID_ARGUMENT' as const };
  const tags = ['replays'];
  const admin = (request: Parameters<typeof credentialOf>[0]) => requireClusterAdmin(credentialOf(request), 'A replay');
  const summaries = {
    create: 'Start a replay job: copy an offset or time range (filtered, paced) exactly once, resumably',
    read: 'A replay job: state and progress',
    list: "This gateway process's replay jobs, newest first",
    cancel: 'Cancel a replay job (stops after the transaction in flight; the replay stays resumable)',
  };
  zapp.post(base, { config: route, schema: { summary: summaries.create, tags, body: ReplayRequestSchema, response: { 202: enveloped(api, JobSchema), ...OPERATOR_ERRORS } } }, async (request, reply) => {
    admin(request);
    const job = await withEngineFields(REPLAY_FIELDS, () => jobs.start(replayFlagsOf(request.body)));
    reply.code(202).header('location', `${base}/${job.id}`);
    return envelope(api, request, job.view());
  });
  zapp.get(base, { config: route, schema: { summary: summaries.list, tags, response: { 200: enveloped(api, z.array(JobSchema)), ...OPERATOR_ERRORS } } }, async (request) => {
    admin(request);
    return envelope(api, request, jobs.list().map((j) => j.view()));
  });
  zapp.get(`${base}/:id`, { config: route, schema: { summary: summaries.read, tags, params: JobParams, response: { 200: enveloped(api, JobSchema), ...OPERATOR_ERRORS } } }, async (request) => {
    admin(request);
    return envelope(api, request, jobs.get(request.params.id).view());
  });
  zapp.delete(`${base}/:id`, { config: route, schema: { summary: summaries.cancel, tags, params: JobParams, response: { 200: enveloped(api, JobSchema), ...OPERATOR_ERRORS } } }, async (request) => {
    admin(request);
    return envelope(api, request, jobs.cancel(request.params.id).view());
  });
  return [
    operatorEndpoint('replays', 'create', 'POST', base, summaries.create),
    operatorEndpoint('replays', 'list', 'GET', base, summaries.list),
    operatorEndpoint('replays', 'read', 'GET', `${base}/:id`, summaries.read),
    operatorEndpoint('replays', 'cancel', 'DELETE', `${base}/:id`, summaries.cancel),
  ];
}
