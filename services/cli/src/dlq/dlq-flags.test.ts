import { describe, expect, it } from 'vitest';
import { sourceSpecOf } from './dlq-flags.js';

describe('sourceSpecOf', () => {
  it('names a queue or a subscription (with or without a domain)', () => {
    expect(sourceSpecOf({ queue: 'emails', type: 'send_*' })).toEqual({ kind: 'queue', queue: 'emails' });
    expect(sourceSpecOf({ subscription: 'mailer', type: 'user.*' })).toEqual({ kind: 'subscription', subscription: 'mailer' });
    expect(sourceSpecOf({ subscription: 'mailer', domain: 'user' })).toEqual({ kind: 'subscription', subscription: 'mailer', domain: 'user' });
  });

  it.each([
    [{}, /--queue <name> or --subscription <name>/],
    [{ queue: 'emails', subscription: 'mailer' }, /either --queue or --subscription, not both/],
    [{ queue: 'emails', domain: 'user' }, /--domain only applies with --subscription/],
    [{ queue: 'emails', type: 'user.created' }, /--type "user.created": a task type has no dots/],
  ])('refuses %j with exit 2', (flags, message) => {
    expect(() => sourceSpecOf(flags)).toThrow(expect.objectContaining({ exitCode: 2, message: expect.stringMatching(message) }));
  });
});
