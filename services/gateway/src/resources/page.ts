import { z } from 'zod';
import type { Pagination } from './resource-definition.js';

const CURSOR = /^[0-9]{1,9}$/;

/** `limit` and `cursor` of a list query (the cursor is the position in the list's order, from a previous page's nextCursor). */
export const PageQuery = {
  limit: z.coerce.number().int().min(1).max(200).default(50).describe('Items per page'),
  cursor: z.string().regex(CURSOR, 'expected the nextCursor of a previous page').optional().describe('nextCursor of the previous page'),
};

/** One page of an ordered list held in memory. */
export function pageOf<T>(all: readonly T[], limit: number, cursor: string | undefined): { items: T[]; pagination: Pagination } {
  const from = cursor === undefined ? 0 : Number(cursor);
  const items = all.slice(from, from + limit);
  const next = from + items.length;
  return { items, pagination: { limit, cursor: cursor ?? null, nextCursor: next < all.length ? String(next) : null, total: all.length } };
}

/** A parsed PageQuery. */
export interface PageInput {
  readonly limit: number;
  readonly cursor?: string | undefined;
}
