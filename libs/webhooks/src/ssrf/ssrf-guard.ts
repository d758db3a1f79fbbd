import { lookup as dnsLookup } from 'node:dns/promises';
import ipaddr from 'ipaddr.js';
import { parseOrThrow, SwitchyardError } from '@switchyard/protocol';
import { classifyAddress, isIpLiteral, type AddressVerdict, type RefusedAddressClass } from './address-class.js';
import { SsrfGuardOptionsSchema, type SsrfGuardOptions, type SsrfGuardOptionsInput } from './ssrf-guard.options.js';

/** One resolved address. */
export interface ResolvedAddress {
  readonly address: string;
  readonly family: 4 | 6;
}

/** Resolves a host name to every address it has (injectable for tests of DNS names). */
export type HostLookup = (hostname: string) => Promise<readonly ResolvedAddress[]>;

/** The default: node:dns lookup with all addresses, in the resolver's order. */
export const systemLookup: HostLookup = async (hostname) => (await dnsLookup(hostname, { all: true, verbatim: true })).map((a) => ({ address: a.address, family: a.family === 6 ? 6 : 4 }));

/** Why a URL was refused: an address class, or something about the URL itself. */
export type RefusalClass = RefusedAddressClass | 'scheme' | 'credentials' | 'invalidUrl';

/** A URL the guard accepted, with the address a connection must use (pinned). */
export interface CheckedTarget {
  readonly url: URL;
  /** The host as written in the URL (brackets stripped), for Host and TLS SNI. */
  readonly host: string;
  /** The checked address the connection must go to (first of the resolved ones). */
  readonly pinned: ResolvedAddress;
  /** Every address the host resolved to, all checked. */
  readonly addresses: readonly ResolvedAddress[];
}

/**
 * The SSRF guard of webhook deliveries, on by default: http/https only, no credentials in the
 * URL, and every address the host is or resolves to must be public (not loopback, private,
 * CGNAT, link-local or cloud metadata, unique-local, multicast, unspecified, broadcast, reserved,
 * nor one of those inside an IPv6 form). The connection then goes to the checked address only
 * (see {@link CheckedTarget.pinned}), so a DNS answer that changes between check and connect
 * cannot move it. The allow-list lets named CIDRs or hosts through (tests on 127.0.0.1).
 */
export class SsrfGuard {
  readonly options: SsrfGuardOptions;
  readonly #lookup: HostLookup;
  readonly #cidrs: readonly [ipaddr.IPv4 | ipaddr.IPv6, number][];
  readonly #hosts: ReadonlySet<string>;

  constructor(options: SsrfGuardOptionsInput = {}, lookup: HostLookup = systemLookup) {
    this.options = parseOrThrow(SsrfGuardOptionsSchema, options, { code: 'SY_INVALID_CONFIG', what: 'SsrfGuardOptions' });
    this.#lookup = lookup;
    const cidrs: [ipaddr.IPv4 | ipaddr.IPv6, number][] = [];
    const hosts = new Set<string>();
    for (const entry of this.options.allow) {
      if (entry.includes('/')) cidrs.push(ipaddr.parseCIDR(entry));
      else if (ipaddr.isValid(entry)) {
        const address = ipaddr.parse(entry);
        cidrs.push([address, address.kind() === 'ipv4' ? 32 : 128]);
      } else hosts.add(entry.toLowerCase());
    }
    this.#cidrs = cidrs;
    this.#hosts = hosts;
  }

  /**
   * Checks a URL and resolves its host.
   * @throws SwitchyardError `SY_WEBHOOK_ADDRESS_REFUSED` (details.addressClass says why) or
   *   `SY_WEBHOOK_DNS_FAILED` when the host does not resolve.
   */
  async check(input: string | URL): Promise<CheckedTarget> {
    const url = parseUrl(input);
    const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
    const literal = isIpLiteral(host);
    const addresses = literal ? [{ address: host, family: ipaddr.parse(host).kind() === 'ipv4' ? 4 : 6 } as const] : await this.#resolve(url, host);
    const hostAllowed = !literal && this.#hosts.has(host.toLowerCase());
    if (this.options.enabled && !hostAllowed) {
      for (const resolved of addresses) {
        const verdict = classifyAddress(resolved.address);
        if (!verdict.public && !this.#allowed(resolved.address)) throw refusal(url, host, verdict, literal);
      }
    }
    return { url, host, pinned: addresses[0]!, addresses };
  }

  #allowed(literal: string): boolean {
    const address = ipaddr.parse(literal);
    const forms = [address];
    if (address.kind() === 'ipv6' && (address as ipaddr.IPv6).isIPv4MappedAddress()) forms.push((address as ipaddr.IPv6).toIPv4Address());
    return forms.some((form) => this.#cidrs.some(([net, bits]) => net.kind() === form.kind() && form.match(net, bits)));
  }

  async #resolve(url: URL, host: string): Promise<ResolvedAddress[]> {
    let addresses: readonly ResolvedAddress[];
    try {
      addresses = await this.#lookup(host);
    } catch (cause) {
      throw new SwitchyardError('SY_WEBHOOK_DNS_FAILED', `url: the host ${host} did not resolve (${(cause as { code?: string }).code ?? (cause as Error).message}).`, {
        hint: "Check the endpoint URL's host name.",
        details: { url: redact(url), host },
        cause,
      });
    }
    if (addresses.length === 0) throw new SwitchyardError('SY_WEBHOOK_DNS_FAILED', `url: the host ${host} resolved to no address.`, { hint: "Check the endpoint URL's host name.", details: { url: redact(url), host } });
    return [...addresses];
  }
}

function parseUrl(input: string | URL): URL {
  let url: URL;
  try {
    url = typeof input === 'string' ? new URL(input) : input;
  } catch {
    throw refuseUrl('invalidUrl', `url: "${String(input)}" is not a URL.`, undefined);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw refuseUrl('scheme', `url: the scheme ${url.protocol.slice(0, -1)} is refused; webhooks go over http or https.`, url);
  if (url.username !== '' || url.password !== '') throw refuseUrl('credentials', 'url: credentials in the URL are refused; use the endpoint authentication (basic, bearer, api-key) instead.', url);
  return url;
}

function refuseUrl(addressClass: RefusalClass, message: string, url: URL | undefined): SwitchyardError {
  return new SwitchyardError('SY_WEBHOOK_ADDRESS_REFUSED', message, {
    hint: 'Give an http:// or https:// URL without user:password@.',
    details: { addressClass, ...(url ? { url: redact(url) } : {}) },
  });
}

function refusal(url: URL, host: string, verdict: Extract<AddressVerdict, { public: false }>, literal: boolean): SwitchyardError {
  const inner = verdict.embedded ? ` (${verdict.embedded.via} form of ${verdict.embedded.ipv4})` : '';
  const where = literal ? `${verdict.address}` : `${host} resolves to ${verdict.address}, which`;
  return new SwitchyardError('SY_WEBHOOK_ADDRESS_REFUSED', `url: ${where} is a ${verdict.addressClass} address${inner}; webhooks only go to public addresses.`, {
    hint: 'Use a public endpoint, or add its CIDR or host to the SSRF guard allow-list (tests, private deployments).',
    details: { addressClass: verdict.addressClass, address: verdict.address, host, url: redact(url), ...(verdict.embedded ? { embedded: verdict.embedded } : {}) },
  });
}

/** The URL without credentials, query or fragment (safe to log). */
function redact(url: URL): string {
  return `${url.protocol}//${url.host}${url.pathname}`;
}
