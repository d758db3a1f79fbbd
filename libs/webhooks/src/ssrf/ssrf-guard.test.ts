import { describe, expect, it } from 'vitest';
import type { SwitchyardError } from '@switchyard/protocol';
import { SsrfGuard, type HostLookup, type ResolvedAddress } from './ssrf-guard.js';

/** A DNS answer per name, for tests of names resolving to each address class. */
function zone(records: Record<string, readonly string[]>): HostLookup {
  return async (hostname) => {
    const answer = records[hostname];
    if (!answer) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
    return answer.map((address): ResolvedAddress => ({ address, family: address.includes(':') ? 6 : 4 }));
  };
}

async function refusalOf(guard: SsrfGuard, url: string): Promise<SwitchyardError> {
  try {
    await guard.check(url);
  } catch (error) {
    return error as SwitchyardError;
  }
  throw new Error(`${url} was accepted`);
}

const guard = new SsrfGuard();

describe('SSRF guard: literal addresses in URLs', () => {
  it.each([
    ['http://127.0.0.1/hook', 'loopback'],
    ['http://127.255.1.2:8080/', 'loopback'],
    ['http://2130706433/', 'loopback'], // decimal 127.0.0.1
    ['http://0x7f.1/', 'loopback'], // hex, short form
    ['http://017700000001/', 'loopback'], // octal
    ['http://0177.0.0.1/', 'loopback'], // octal first octet
    ['http://127.1/', 'loopback'],
    ['http://10.0.0.1/', 'private'],
    ['http://172.16.5.4/', 'private'],
    ['http://192.168.1.1/', 'private'],
    ['http://100.64.0.1/', 'carrierGradeNat'],
    ['http://169.254.169.254/latest/meta-data/', 'cloudMetadata'],
    ['http://169.254.1.1/', 'linkLocal'],
    ['http://224.0.0.1/', 'multicast'],
    ['http://0.0.0.0/', 'unspecified'],
    ['http://255.255.255.255/', 'broadcast'],
    ['http://192.0.2.1/', 'reserved'], // TEST-NET-1 (documentation)
    ['http://198.51.100.7/', 'reserved'], // TEST-NET-2
    ['http://203.0.113.9/', 'reserved'], // TEST-NET-3
    ['http://240.0.0.1/', 'reserved'],
    ['http://[::1]/', 'loopback'],
    ['http://[::]/', 'unspecified'],
    ['http://[fe80::1]/', 'linkLocal'],
    ['http://[fc00::1]/', 'uniqueLocal'],
    ['http://[fd12:3456::1]/', 'uniqueLocal'],
    ['http://[fd00:ec2::254]/', 'cloudMetadata'],
    ['http://[ff02::1]/', 'multicast'],
    ['http://[2001:db8::1]/', 'reserved'], // documentation
    ['http://[::ffff:127.0.0.1]/', 'loopback'], // IPv4-mapped, dotted
    ['http://[::ffff:7f00:1]/', 'loopback'], // IPv4-mapped, hex
    ['http://[::ffff:a9fe:a9fe]/', 'cloudMetadata'], // mapped 169.254.169.254
    ['http://[::ffff:0:a00:1]/', 'private'], // IPv4-translated 10.0.0.1
    ['http://[::127.0.0.1]/', 'ipv4Compatible'],
    ['http://[::8.8.8.8]/', 'ipv4Compatible'],
    ['http://[64:ff9b::a00:1]/', 'private'], // NAT64 of 10.0.0.1
    ['http://[64:ff9b::7f00:1]/', 'loopback'], // NAT64 of 127.0.0.1
    ['http://[64:ff9b:1::1]/', 'nat64LocalUse'],
    ['http://[2002:c0a8:101::1]/', 'private'], // 6to4 of 192.168.1.1
    ['http://[2002:7f00:1::]/', 'loopback'], // 6to4 of 127.0.0.1
    ['http://[2001::1]/', 'teredo'],
  ])('%s is refused as %s', async (url, addressClass) => {
    const error = await refusalOf(guard, url);
    expect(error.code).toBe('SY_WEBHOOK_ADDRESS_REFUSED');
    expect(error.details?.addressClass).toBe(addressClass);
    expect(error.message).toContain(`a ${addressClass} address`);
  });

  it.each([
    ['http://8.8.8.8/', '8.8.8.8'],
    ['https://1.1.1.1:8443/x', '1.1.1.1'],
    ['http://[2606:4700:4700::1111]/', '2606:4700:4700::1111'],
    ['http://[::ffff:8.8.8.8]/', '::ffff:808:808'], // mapped public
    ['http://[64:ff9b::808:808]/', '64:ff9b::808:808'], // NAT64 of a public address
    ['http://[2002:808:808::1]/', '2002:808:808::1'], // 6to4 of a public address
  ])('%s is accepted and pinned to %s', async (url, address) => {
    const target = await guard.check(url);
    expect(target.pinned.address).toBe(address);
  });

  it('the embedded address is named in the refusal', async () => {
    const error = await refusalOf(guard, 'http://[::ffff:7f00:1]:9000/');
    expect(error.details?.embedded).toEqual({ via: 'ipv4Mapped', ipv4: '127.0.0.1' });
    expect(error.message).toBe('url: ::ffff:7f00:1 is a loopback address (ipv4Mapped form of 127.0.0.1); webhooks only go to public addresses.');
  });
});

describe('SSRF guard: URLs', () => {
  it.each([
    ['ftp://8.8.8.8/', 'scheme'],
    ['file:///etc/passwd', 'scheme'],
    ['gopher://8.8.8.8/', 'scheme'],
    ['http://user:pw@8.8.8.8/', 'credentials'],
    ['http://user@8.8.8.8/', 'credentials'],
    ['not a url', 'invalidUrl'],
  ])('%s is refused (%s)', async (url, addressClass) => {
    const error = await refusalOf(guard, url);
    expect(error.code).toBe('SY_WEBHOOK_ADDRESS_REFUSED');
    expect(error.details?.addressClass).toBe(addressClass);
    expect(JSON.stringify(error.details)).not.toContain('pw');
  });
});

describe('SSRF guard: DNS names (injected resolver)', () => {
  const lookup = zone({
    'public.example': ['93.184.216.34'],
    'private.example': ['10.0.0.1'],
    'mapped.example': ['::ffff:127.0.0.1'],
    'metadata.example': ['169.254.169.254'],
    'mixed.example': ['93.184.216.34', '192.168.0.10'],
    'v6local.example': ['fd00::5'],
    'nat64.example': ['64:ff9b::c0a8:1'],
    'dual.example': ['2606:4700::1', '93.184.216.34'],
  });
  const dnsGuard = new SsrfGuard({}, lookup);

  it.each([
    ['private.example', 'private', '10.0.0.1'],
    ['mapped.example', 'loopback', '::ffff:127.0.0.1'],
    ['metadata.example', 'cloudMetadata', '169.254.169.254'],
    ['mixed.example', 'private', '192.168.0.10'], // one bad address among good ones refuses the host
    ['v6local.example', 'uniqueLocal', 'fd00::5'],
    ['nat64.example', 'private', '64:ff9b::c0a8:1'],
  ])('%s is refused as %s (%s)', async (host, addressClass, address) => {
    const error = await refusalOf(dnsGuard, `https://${host}/hook`);
    expect(error.details).toMatchObject({ addressClass, address, host });
    expect(error.message).toContain(`${host} resolves to ${address}, which is a ${addressClass} address`);
  });

  it('a public name is accepted and pinned to its first address', async () => {
    expect((await dnsGuard.check('https://public.example/hook')).pinned).toEqual({ address: '93.184.216.34', family: 4 });
    const dual = await dnsGuard.check('https://dual.example/');
    expect(dual.pinned).toEqual({ address: '2606:4700::1', family: 6 });
    expect(dual.addresses).toHaveLength(2);
    expect(dual.host).toBe('dual.example');
  });

  it('a name that does not resolve is SY_WEBHOOK_DNS_FAILED (retriable)', async () => {
    const error = await refusalOf(dnsGuard, 'https://nowhere.example/');
    expect(error.code).toBe('SY_WEBHOOK_DNS_FAILED');
    expect(error.retriable).toBe(true);
  });

  it('localhost through the system resolver is refused as loopback', async () => {
    const error = await refusalOf(new SsrfGuard(), 'http://localhost:3000/');
    expect(error.code).toBe('SY_WEBHOOK_ADDRESS_REFUSED');
    expect(error.details?.addressClass).toBe('loopback');
  });
});

describe('SSRF guard: allow-list and switch', () => {
  it('a CIDR lets its addresses through, and only them', async () => {
    const allowing = new SsrfGuard({ allow: ['127.0.0.0/8'] });
    expect((await allowing.check('http://127.0.0.1:4000/')).pinned).toEqual({ address: '127.0.0.1', family: 4 });
    expect((await allowing.check('http://[::ffff:127.0.0.1]/')).pinned.address).toBe('::ffff:7f00:1'); // URL normalises the mapped form
    expect((await refusalOf(allowing, 'http://10.0.0.1/')).details?.addressClass).toBe('private');
    expect((await refusalOf(allowing, 'http://[::1]/')).details?.addressClass).toBe('loopback');
  });

  it('a single address and a host name can be allowed', async () => {
    const lookup = zone({ 'internal.corp': ['10.1.1.1'], 'other.corp': ['10.1.1.2'] });
    const allowing = new SsrfGuard({ allow: ['::1', 'internal.corp'] }, lookup);
    expect((await allowing.check('http://[::1]:80/')).pinned.address).toBe('::1');
    expect((await allowing.check('http://INTERNAL.corp/')).pinned.address).toBe('10.1.1.1');
    expect((await refusalOf(allowing, 'http://other.corp/')).details?.addressClass).toBe('private');
  });

  it('disabled, it still refuses schemes and credentials but not addresses', async () => {
    const off = new SsrfGuard({ enabled: false });
    expect((await off.check('http://10.0.0.1/')).pinned.address).toBe('10.0.0.1');
    expect((await refusalOf(off, 'ftp://10.0.0.1/')).details?.addressClass).toBe('scheme');
  });

  it('a bad allow-list entry fails at construction naming the option', () => {
    expect(() => new SsrfGuard({ allow: ['10.0.0.0/99'] })).toThrow(/SsrfGuardOptions\.allow\[0\]: not a valid CIDR/);
  });
});
