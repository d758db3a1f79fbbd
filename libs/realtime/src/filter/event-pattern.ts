/**
 * Event name patterns as the event bus reads them (libs/events event-pattern.ts, which this lib
 * does not depend on): dot-separated segments, each a literal or `*`, which stands for one or more
 * whole segments. `user.*` matches `user.created` and `user.profile.updated`; `*` matches all.
 */
import { z } from 'zod';

export const StreamPatternSchema = z.string().regex(/^(\*|[a-z][a-z0-9_]*)(\.(\*|[a-z0-9_]+))*$/, {
  message: 'must be dot-separated segments of a-z, 0-9, _ or a lone * (e.g. user.*, *.created, *)',
});

const SEGMENT = '[a-z0-9_]+';
const WILDCARD = `${SEGMENT}(?:\\.${SEGMENT})*`;

/** A predicate on event names (validate the pattern with {@link StreamPatternSchema} first). */
export function compileStreamPattern(pattern: string): (eventName: string) => boolean {
  if (pattern === '*') return () => true;
  const regex = new RegExp(`^${pattern.split('.').map((s) => (s === '*' ? WILDCARD : s)).join('\\.')}$`);
  return (eventName) => regex.test(eventName);
}
