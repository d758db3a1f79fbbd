import { z } from 'zod';
import { eventTopicRegExp } from './topic-names.js';

const SEGMENT = '[a-z0-9_]+';
const WILDCARD = `${SEGMENT}(?:\\.${SEGMENT})*`;

/**
 * An event name pattern, as subscriptions, routes, realtime streams and webhooks read it: dot-separated segments, each a literal (`user`, `created`) or `*`, which
 * stands for one or more whole segments. `user.*` matches `user.created` and
 * `user.profile.updated`; `*.created` matches `user.created` and `shop.order.created`; `*`
 * matches every event.
 */
export const EventPatternSchema = z
  .string()
  .regex(/^(\*|[a-z][a-z0-9_]*)(\.(\*|[a-z0-9_]+))*$/, {
    message: 'must be dot-separated segments of a-z, 0-9, _ or a lone * (e.g. user.*, *.created, *)',
  });

export interface CompiledPattern {
  readonly source: string;
  /** True when the event name matches the pattern. */
  matches(eventName: string): boolean;
  /** Regex of the event topics this pattern can need (one domain, or all of them). */
  readonly topics: RegExp;
  /** The domain when the pattern names one (`user.*` -> `user`), else undefined. */
  readonly domain?: string;
}

/** Compiles a pattern (validate it with {@link EventPatternSchema} first). */
export function compilePattern(pattern: string): CompiledPattern {
  const segments = pattern.split('.');
  const regex = new RegExp(`^${segments.map((s) => (s === '*' ? WILDCARD : s)).join('\\.')}$`);
  const first = segments[0]!;
  const domain = first === '*' ? undefined : first;
  return {
    source: pattern,
    matches: (eventName) => regex.test(eventName),
    topics: domain === undefined ? eventTopicRegExp() : eventTopicRegExp(domain),
    ...(domain === undefined ? {} : { domain }),
  };
}

/** One regex for the topics of several patterns. */
export function topicsOfPatterns(patterns: readonly CompiledPattern[]): RegExp {
  if (patterns.some((p) => p.domain === undefined)) return eventTopicRegExp();
  return eventTopicRegExp([...new Set(patterns.map((p) => p.domain!))].join('|'));
}
