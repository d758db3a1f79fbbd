import { z } from 'zod';
import { EventPatternSchema } from '@switchyard/kafka';
import { RealTimeNotificationConfigSchema, type RealTimeNotificationConfig } from '@switchyard/protocol';

/** The protocol takes any string as a pattern; the hub compiles them, so each must be a valid event-name pattern. */
function refinePatterns(config: RealTimeNotificationConfig, ctx: z.RefinementCtx): void {
  const patterns: [string, (string | number)[]][] = [[config.eventPattern, ['eventPattern']], ...(config.channels ?? []).map((c, i): [string, (string | number)[]] => [c.eventPattern, ['channels', i, 'eventPattern']])];
  for (const [pattern, path] of patterns) {
    const parsed = EventPatternSchema.safeParse(pattern);
    if (!parsed.success) ctx.addIssue({ code: 'custom', path, message: `"${pattern}" ${parsed.error.issues[0]!.message}` });
  }
}

/** Options of the realtime hub; parse once at start-up ({@link RealtimeOptionsSchema}). */
export const RealtimeOptionsSchema = z.object({
  notifications: RealTimeNotificationConfigSchema.superRefine(refinePatterns).default(RealTimeNotificationConfigSchema.parse({})).describe("What is pushed and to whom (the protocol's RealTimeNotificationConfig)"),
  heartbeatMs: z.number().int().min(100).max(300_000).default(15_000).describe('Keep-alive interval of an idle stream, ms (under proxy idle timeouts)'),
  maxBufferedMessages: z.number().int().min(1).max(1_000_000).default(1_000).describe('Messages a client may have waiting (transport backed up, or over its rate limit); one more drops it'),
  catchUpTimeoutMs: z.number().int().min(1_000).default(30_000).describe('How long a resume may take to read the missed records before the stream is dropped (reason resume-failed), ms'),
  maxWaitTimeMs: z.number().int().min(10).max(5_000).default(500).describe("The live reader's longest fetch wait when idle, ms (a fetch answers as soon as a record comes)"),
});
export type RealtimeOptions = z.output<typeof RealtimeOptionsSchema>;
export type RealtimeOptionsInput = z.input<typeof RealtimeOptionsSchema>;
