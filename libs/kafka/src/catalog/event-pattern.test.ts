import { describe, expect, it } from 'vitest';
import { compilePattern, EventPatternSchema, topicsOfPatterns } from './event-pattern.js';

describe('event patterns', () => {
  it.each([
    ['user.*', 'user.created', true],
    ['user.*', 'user.profile.updated', true],
    ['user.*', 'user', false],
    ['user.*', 'users.created', false],
    ['*.created', 'user.created', true],
    ['*.created', 'shop.order.created', true],
    ['*.created', 'user.created_at', false],
    ['*', 'anything.at.all', true],
    ['user.created', 'user.created', true],
    ['user.created', 'user.created.v2', false],
    ['user.*.done', 'user.import.done', true],
    ['user.*.done', 'user.done', false],
  ])('%s matches %s: %s', (pattern, name, expected) => {
    expect(compilePattern(pattern).matches(name)).toBe(expected);
  });

  it('knows the topics a pattern needs', () => {
    expect(compilePattern('user.*').topics.test('events.user')).toBe(true);
    expect(compilePattern('user.*').topics.test('events.user.high')).toBe(true);
    expect(compilePattern('user.*').topics.test('events.users')).toBe(false);
    expect(compilePattern('user.*').topics.test('events.user.dlq.billing')).toBe(false);
    expect(compilePattern('*.created').topics.test('events.shop.low')).toBe(true);
    expect(topicsOfPatterns([compilePattern('user.*'), compilePattern('shop.order')]).test('events.shop')).toBe(true);
    expect(topicsOfPatterns([compilePattern('user.*'), compilePattern('shop.order')]).test('events.mail')).toBe(false);
  });

  it.each(['', 'User.*', 'user.**', 'user..x', 'user.*x', '.user', 'user.'])('refuses %j', (pattern) => {
    expect(EventPatternSchema.safeParse(pattern).success).toBe(false);
  });
});
