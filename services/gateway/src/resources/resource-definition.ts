import type { z } from 'zod';
import type { Credential, Scope } from '../auth/credential.js';
import type { InvalidCode } from '../errors/error-reply.js';

/** What a resource handler knows about the request besides its input. */
export interface RequestContext {
  readonly credential: Credential;
  /** The Idempotency-Key header, when the request sent one. */
  readonly idempotencyKey: string | undefined;
}

export interface CreateOperation<B extends z.ZodType = z.ZodType, R extends z.ZodType = z.ZodType> {
  readonly body: B;
  readonly response: R;
  readonly summary: string;
  handle(body: z.output<B>, context: RequestContext): Promise<z.output<R>>;
}

export interface BatchOperation<I extends z.ZodType = z.ZodType, R extends z.ZodType = z.ZodType> {
  readonly item: I;
  /** Response of the whole batch: one entry per item, in order. */
  readonly response: R;
  readonly summary: string;
  /** Writes every item in one Kafka transaction: all or none. */
  handle(items: readonly z.output<I>[], context: RequestContext): Promise<z.output<R>>;
}

/**
 * An operation on one record by id (read, or delete/cancel): the record (or what the delete did),
 * or undefined when there is none the credential may see (a 404 either way: no leak).
 */
export interface ByIdOperation<Q extends z.ZodType = z.ZodType, R extends z.ZodType = z.ZodType> {
  readonly query: Q;
  readonly response: R;
  readonly summary: string;
  handle(id: string, query: z.output<Q>, context: RequestContext): Promise<z.output<R> | undefined>;
}

/** GET `/data/<name>/:id`. */
export type ReadOperation<Q extends z.ZodType = z.ZodType, R extends z.ZodType = z.ZodType> = ByIdOperation<Q, R>;

export interface ListOperation<Q extends z.ZodType = z.ZodType, I extends z.ZodType = z.ZodType> {
  readonly query: Q;
  readonly item: I;
  readonly summary: string;
  /** One page: its items and the cursor of the next page (null at the end). */
  handle(query: z.output<Q>, context: RequestContext): Promise<{ items: z.output<I>[]; pagination: Pagination }>;
}

/** DELETE `/data/<name>/:id`: deletes (or cancels) the record. */
export type DeleteOperation<Q extends z.ZodType = z.ZodType, R extends z.ZodType = z.ZodType> = ByIdOperation<Q, R>;

/** Cursor pagination of a list response (in `meta.pagination` of the envelope). */
export interface Pagination {
  readonly limit: number;
  readonly cursor: string | null;
  readonly nextCursor: string | null;
  readonly total?: number;
}

/**
 * One resource of the REST API (STYLE: one file per definition): its zod schemas, the
 * operations it supports and the scope each needs. The route generator turns the registry of
 * these into routes under `${apiPath}${dataPrefix}/<name>`. A resource without `create` and `batch`
 * is read-only (its `write` scope is then unused).
 */
export interface ResourceDefinition {
  readonly name: string;
  readonly description: string;
  /** Code of a request body that fails its schema. */
  readonly invalidCode: InvalidCode;
  readonly scopes: { readonly write: Scope; readonly read: Scope };
  readonly create?: CreateOperation;
  readonly batch?: BatchOperation;
  readonly read?: ReadOperation;
  readonly list?: ListOperation;
  readonly delete?: DeleteOperation;
}
