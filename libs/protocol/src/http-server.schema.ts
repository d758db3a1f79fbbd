import { z } from 'zod';

/**
 * The HTTP server of the seed (protocol-fields.md section 3, `system/http-server.zod.ts`):
 * listen address, CORS, timeouts, body limit, compression, security and static files.
 */

const SIZE_PATTERN = /^(\d+)(b|kb|mb|gb)$/i;
const UNIT_BYTES: Record<string, number> = { b: 1, kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3 };

/** `'10mb'`-style size: a whole number and b/kb/mb/gb. */
export const ByteSizeSchema = z.string().regex(SIZE_PATTERN, 'expected a size like 512kb or 10mb');

/** Bytes of a ByteSize string (`'10mb'` -> 10485760). */
export function byteSizeOf(size: string): number {
  const match = SIZE_PATTERN.exec(size);
  if (!match) throw new RangeError(`"${size}" is not a size like 512kb or 10mb`);
  return Number(match[1]) * UNIT_BYTES[match[2]!.toLowerCase()]!;
}

export const HttpServerConfigSchema = z.object({
  port: z.number().int().min(0).max(65_535).default(3000).describe('TCP port (0 = any free port)'),
  host: z.string().min(1).default('0.0.0.0').describe('Listen address'),
  cors: z
    .object({
      enabled: z.boolean().default(false),
      origins: z.array(z.string().min(1)).default([]).describe('Allowed origins (empty = none)'),
      credentials: z.boolean().default(false),
    })
    .optional()
    .describe('Cross-origin requests'),
  requestTimeout: z.number().int().min(0).default(30_000).describe('Request timeout, ms (0 = none)'),
  bodyLimit: ByteSizeSchema.default('10mb').describe('Largest request body'),
  compression: z.boolean().default(false).describe('Compress responses'),
  security: z
    .object({
      helmet: z.boolean().default(false).describe('Security headers'),
      rateLimit: z
        .object({
          enabled: z.boolean().default(true),
          max: z.number().int().min(1).default(100).describe('Requests per window per credential'),
          windowMs: z.number().int().min(1).default(60_000).describe('Window length, ms'),
        })
        .optional(),
    })
    .optional()
    .describe('Security headers and rate limit'),
  static: z.array(z.object({ path: z.string().min(1), directory: z.string().min(1) })).optional().describe('Static file mounts'),
  trustProxy: z.boolean().default(false).describe('Trust X-Forwarded-* headers'),
});

export type HttpServerConfig = z.infer<typeof HttpServerConfigSchema>;
export type HttpServerConfigInput = z.input<typeof HttpServerConfigSchema>;

/** `MiddlewareConfig`: one middleware of the server pipeline. */
export const MiddlewareConfigSchema = z.object({
  name: z.string().min(1),
  type: z.enum(['authentication', 'authorization', 'logging', 'validation', 'transformation', 'error', 'custom']),
  enabled: z.boolean().default(true),
  order: z.number().int().default(100).describe('Lower runs first'),
  paths: z.object({ include: z.array(z.string()).default([]), exclude: z.array(z.string()).default([]) }).optional(),
});
export type MiddlewareConfig = z.infer<typeof MiddlewareConfigSchema>;
