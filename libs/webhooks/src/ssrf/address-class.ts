import ipaddr from 'ipaddr.js';

/**
 * Address classes the SSRF guard refuses. Names follow ipaddr.js's ranges where it has one, plus
 * `cloudMetadata` (instance metadata services), `ipv4Compatible` (deprecated ::a.b.c.d) and
 * `teredo`/`nat64LocalUse` (tunnels whose inner address cannot be checked).
 */
export type RefusedAddressClass =
  | 'loopback'
  | 'private'
  | 'carrierGradeNat'
  | 'linkLocal'
  | 'cloudMetadata'
  | 'uniqueLocal'
  | 'multicast'
  | 'unspecified'
  | 'broadcast'
  | 'reserved'
  | 'ipv4Compatible'
  | 'teredo'
  | 'nat64LocalUse'
  | 'other';

/** How a v4 address was carried inside a v6 one, when it was. */
export type Ipv4Embedding = 'ipv4Mapped' | 'ipv4Translated' | 'nat64' | '6to4';

/** What an address is: public, or a refused class (with the embedded v4 address when that decided). */
export type AddressVerdict =
  | { readonly public: true; readonly address: string; readonly family: 4 | 6 }
  | { readonly public: false; readonly address: string; readonly family: 4 | 6; readonly addressClass: RefusedAddressClass; readonly embedded?: { readonly via: Ipv4Embedding; readonly ipv4: string } };

/** Instance metadata endpoints of the big clouds (AWS, ECS, GCP, Azure, Alibaba, Oracle). */
const CLOUD_METADATA = new Set(['169.254.169.254', '169.254.170.2', '100.100.100.200', '192.0.0.192', 'fd00:ec2::254']);

/** IPv4 ranges of ipaddr.js that are refused (everything but `unicast`). */
const V4_CLASS: Readonly<Record<string, RefusedAddressClass>> = {
  loopback: 'loopback',
  private: 'private',
  carrierGradeNat: 'carrierGradeNat',
  linkLocal: 'linkLocal',
  multicast: 'multicast',
  unspecified: 'unspecified',
  broadcast: 'broadcast',
  reserved: 'reserved',
};

const V6_CLASS: Readonly<Record<string, RefusedAddressClass>> = {
  loopback: 'loopback',
  linkLocal: 'linkLocal',
  uniqueLocal: 'uniqueLocal',
  multicast: 'multicast',
  unspecified: 'unspecified',
  reserved: 'reserved',
  teredo: 'teredo',
};

/** True for a literal IPv4 or IPv6 address (v6 without brackets). */
export function isIpLiteral(host: string): boolean {
  return ipaddr.isValid(host);
}

/**
 * Classifies one resolved address (a literal: `127.0.0.1`, `::ffff:7f00:1`, ...). IPv4 inside
 * IPv6 (mapped `::ffff:a.b.c.d`, translated `::ffff:0:a.b.c.d`, NAT64 `64:ff9b::/96`, 6to4
 * `2002::/16`) is judged by the IPv4 address it carries; IPv4-compatible `::a.b.c.d` is refused
 * outright (deprecated, never a real peer).
 */
export function classifyAddress(literal: string): AddressVerdict {
  const parsed = ipaddr.parse(literal);
  if (parsed.kind() === 'ipv4') return classifyV4(parsed as ipaddr.IPv4, literal);
  const v6 = parsed as ipaddr.IPv6;
  const canonical = v6.toString();
  if (CLOUD_METADATA.has(canonical)) return { public: false, address: literal, family: 6, addressClass: 'cloudMetadata' };
  const embedded = embeddedV4(v6);
  if (embedded) {
    const inner = classifyV4(embedded.ipv4, embedded.ipv4.toString());
    return inner.public ? { public: true, address: literal, family: 6 } : { public: false, address: literal, family: 6, addressClass: inner.addressClass, embedded: { via: embedded.via, ipv4: embedded.ipv4.toString() } };
  }
  const parts = v6.parts;
  if (parts.slice(0, 6).every((p) => p === 0)) {
    // ::/128 and ::1/128 are unspecified and loopback; the rest of ::/96 is IPv4-compatible.
    if (parts[6] === 0 && (parts[7] === 0 || parts[7] === 1)) return { public: false, address: literal, family: 6, addressClass: parts[7] === 0 ? 'unspecified' : 'loopback' };
    return { public: false, address: literal, family: 6, addressClass: 'ipv4Compatible' };
  }
  const range = v6.range();
  if (range === 'unicast') return { public: true, address: literal, family: 6 };
  if (range === 'rfc6052') return { public: false, address: literal, family: 6, addressClass: 'nat64LocalUse' };
  return { public: false, address: literal, family: 6, addressClass: V6_CLASS[range] ?? 'other' };
}

function classifyV4(v4: ipaddr.IPv4, literal: string): AddressVerdict {
  const normal = v4.toString();
  if (CLOUD_METADATA.has(normal)) return { public: false, address: literal, family: 4, addressClass: 'cloudMetadata' };
  const range = v4.range();
  if (range === 'unicast') return { public: true, address: literal, family: 4 };
  return { public: false, address: literal, family: 4, addressClass: V4_CLASS[range] ?? 'other' };
}

function v4FromWords(high: number, low: number): ipaddr.IPv4 {
  return new ipaddr.IPv4([high >> 8, high & 0xff, low >> 8, low & 0xff]);
}

function embeddedV4(v6: ipaddr.IPv6): { via: Ipv4Embedding; ipv4: ipaddr.IPv4 } | undefined {
  const p = v6.parts as number[];
  const zeros = (from: number, to: number) => p.slice(from, to).every((x) => x === 0);
  if (zeros(0, 5) && p[5] === 0xffff) return { via: 'ipv4Mapped', ipv4: v4FromWords(p[6]!, p[7]!) };
  if (zeros(0, 4) && p[4] === 0xffff && p[5] === 0) return { via: 'ipv4Translated', ipv4: v4FromWords(p[6]!, p[7]!) };
  if (p[0] === 0x64 && p[1] === 0xff9b && zeros(2, 6)) return { via: 'nat64', ipv4: v4FromWords(p[6]!, p[7]!) };
  if (p[0] === 0x2002) return { via: '6to4', ipv4: v4FromWords(p[1]!, p[2]!) };
  return undefined;
}
