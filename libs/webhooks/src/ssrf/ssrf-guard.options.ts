import ipaddr from 'ipaddr.js';
import { z } from 'zod';

/** An allow-list entry: a CIDR (`127.0.0.0/8`, `::1/128`), an address, or a host name. */
const AllowEntrySchema = z
  .string()
  .trim()
  .min(1)
  .refine((entry) => !entry.includes('/') || ipaddr.isValidCIDR(entry), { message: 'not a valid CIDR (e.g. 127.0.0.0/8 or fd00::/8)' })
  .describe('A CIDR, an IP address or a host name the guard lets through');

/** Options of the SSRF guard (parsed once, at the edge). */
export const SsrfGuardOptionsSchema = z
  .object({
    enabled: z
      .boolean()
      .default(true)
      .describe('Refuse non-public addresses (on by default). When off only the scheme and credential checks remain.'),
    allow: z
      .array(AllowEntrySchema)
      .default([])
      .describe('CIDRs, addresses or host names let through although their class is refused (tests on 127.0.0.1, private deployments). A host name entry allows what that name resolves to.'),
  })
  .describe('SSRF guard of webhook deliveries');

export type SsrfGuardOptions = z.infer<typeof SsrfGuardOptionsSchema>;
export type SsrfGuardOptionsInput = z.input<typeof SsrfGuardOptionsSchema>;
