import { describe, expect, it } from 'vitest';
import { Webhook } from 'standardwebhooks';
import { SwitchyardError } from '@switchyard/protocol';
import { generateWebhookSecret, isWebhookSecret, parseWebhookSecret } from './webhook-secret.js';
import { signWebhook, WEBHOOK_HEADERS } from './webhook-signature.js';

const now = () => Math.floor(Date.now() / 1000);
const body = JSON.stringify({ type: 'user.created', data: { id: 'u1', name: 'Zoë' } });

/** Verifies with the independent Standard Webhooks implementation; returns the error message or 'ok'. */
function verifyWith(secret: string, payload: string, headers: Record<string, string>): string {
  try {
    new Webhook(secret).verify(payload, headers);
    return 'ok';
  } catch (error) {
    return (error as Error).message;
  }
}

describe('webhook secrets', () => {
  it('generates whsec_ + base64 of 32 random bytes, each one different', () => {
    const a = generateWebhookSecret();
    expect(a).toMatch(/^whsec_[A-Za-z0-9+/]+={0,2}$/);
    expect(parseWebhookSecret(a)).toHaveLength(32);
    expect(generateWebhookSecret()).not.toBe(a);
    expect(parseWebhookSecret(generateWebhookSecret(64))).toHaveLength(64);
  });

  it.each([
    ['no prefix', 'abc', 'must start with whsec_'],
    ['not a string', 42, 'must be a string'],
    ['not base64', 'whsec_not*base64!', 'not base64'],
    ['too short', `whsec_${Buffer.alloc(16).toString('base64')}`, 'decodes to 16 bytes'],
    ['too long', `whsec_${Buffer.alloc(65).toString('base64')}`, 'decodes to 65 bytes'],
  ])('refuses %s with SY_WEBHOOK_INVALID_SECRET naming the field', (_name, value, reason) => {
    const error = (() => {
      try {
        parseWebhookSecret(value, 'endpoint.secret');
      } catch (e) {
        return e as SwitchyardError;
      }
      throw new Error('accepted');
    })();
    expect(error).toBeInstanceOf(SwitchyardError);
    expect(error.code).toBe('SY_WEBHOOK_INVALID_SECRET');
    expect(error.message).toMatch(/^endpoint\.secret: /);
    expect(error.message).toContain(reason);
    expect(error.details).toEqual({ field: 'endpoint.secret' });
    expect(isWebhookSecret(value)).toBe(false);
  });

  it('refuses to generate outside 24..64 bytes', () => {
    expect(() => generateWebhookSecret(16)).toThrow(expect.objectContaining({ code: 'SY_WEBHOOK_INVALID_SECRET' }));
  });
});

describe('signWebhook (verified by the standardwebhooks package)', () => {
  it('produces headers any Standard Webhooks library verifies', () => {
    const secret = generateWebhookSecret();
    const headers = signWebhook({ id: 'msg_1', timestamp: now(), body, secrets: [secret] });
    expect(Object.keys(headers).sort()).toEqual([WEBHOOK_HEADERS.id, WEBHOOK_HEADERS.signature, WEBHOOK_HEADERS.timestamp].sort());
    expect(headers[WEBHOOK_HEADERS.signature]).toMatch(/^v1,[A-Za-z0-9+/]+={0,2}$/);
    expect(verifyWith(secret, body, headers)).toBe('ok');
    expect(new Webhook(secret).verify(body, headers)).toEqual(JSON.parse(body));
  });

  it('matches the library own signature byte for byte', () => {
    const secret = generateWebhookSecret();
    const ts = now();
    const headers = signWebhook({ id: 'msg_2', timestamp: ts, body: Buffer.from(body), secrets: [secret] });
    expect(headers[WEBHOOK_HEADERS.signature]).toBe(new Webhook(secret).sign('msg_2', new Date(ts * 1000), body));
  });

  it('during a rotation sends both signatures: a receiver with either secret verifies', () => {
    const oldSecret = generateWebhookSecret();
    const newSecret = generateWebhookSecret();
    const headers = signWebhook({ id: 'msg_3', timestamp: now(), body, secrets: [newSecret, oldSecret] });
    expect(headers[WEBHOOK_HEADERS.signature]!.split(' ')).toHaveLength(2);
    expect(verifyWith(oldSecret, body, headers)).toBe('ok');
    expect(verifyWith(newSecret, body, headers)).toBe('ok');
    expect(verifyWith(generateWebhookSecret(), body, headers)).toBe('No matching signature found');
  });

  it('a tampered body, id or timestamp fails verification', () => {
    const secret = generateWebhookSecret();
    const ts = now();
    const headers = signWebhook({ id: 'msg_4', timestamp: ts, body, secrets: [secret] });
    expect(verifyWith(secret, body.replace('u1', 'u2'), headers)).toBe('No matching signature found');
    expect(verifyWith(secret, body, { ...headers, [WEBHOOK_HEADERS.id]: 'msg_5' })).toBe('No matching signature found');
    expect(verifyWith(secret, body, { ...headers, [WEBHOOK_HEADERS.timestamp]: String(ts - 1) })).toBe('No matching signature found');
  });

  it('a timestamp outside the receiver tolerance (5 minutes) fails even when correctly signed', () => {
    const secret = generateWebhookSecret();
    const headers = signWebhook({ id: 'msg_6', timestamp: now() - 3600, body, secrets: [secret] });
    expect(verifyWith(secret, body, headers)).toBe('Message timestamp too old');
  });

  it('refuses a malformed secret before signing', () => {
    expect(() => signWebhook({ id: 'msg_7', timestamp: now(), body, secrets: ['secret'] })).toThrow(expect.objectContaining({ code: 'SY_WEBHOOK_INVALID_SECRET' }));
  });
});
