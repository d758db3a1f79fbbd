import { z } from 'zod';
import type { AdminPort } from '@switchyard/kafka';
import { requireClusterAdmin } from '../operator/engine-fields.js';
import { PageQuery, pageOf, type PageInput } from './page.js';
import type { ListOperation, ReadOperation } from './resource-definition.js';

/**
 * A read-only catalog of things the cluster's topics reveal (queues, subscriptions): listed by
 * name, each described from the topics. Such things span tenants, so both reads are admin reads
 * without a tenant (403 for a tenant-bound admin).
 */
export interface ClusterCatalog<E, I extends z.ZodType> {
  readonly item: I;
  readonly listSummary: string;
  readonly readSummary: string;
  /** Subject of the 403 of a list ("The queue list") and of a read ("A queue topology"). */
  readonly listWhat: string;
  readonly readWhat: string;
  /** The entries the topics reveal, by name, in list order. */
  entries(topics: readonly string[]): Promise<ReadonlyMap<string, E>> | ReadonlyMap<string, E>;
  /** The bodies of some entries (one page, or the one read), in the order given. */
  describe(topics: readonly string[], entries: readonly (readonly [string, E])[]): Promise<z.output<I>[]>;
}

/** The list (paged by name) and read operations of a {@link ClusterCatalog}. */
export function clusterCatalogOperations<E, I extends z.ZodType>(admin: AdminPort, catalog: ClusterCatalog<E, I>): { list: ListOperation; read: ReadOperation } {
  return {
    list: {
      query: z.strictObject(PageQuery),
      item: catalog.item,
      summary: catalog.listSummary,
      async handle(query, { credential }) {
        requireClusterAdmin(credential, catalog.listWhat);
        const topics = await admin.listTopics();
        const { items, pagination } = pageOf([...(await catalog.entries(topics))], (query as PageInput).limit, (query as PageInput).cursor);
        return { items: await catalog.describe(topics, items), pagination };
      },
    },
    read: {
      query: z.strictObject({}),
      response: catalog.item,
      summary: catalog.readSummary,
      async handle(name, _query, { credential }) {
        requireClusterAdmin(credential, catalog.readWhat);
        const topics = await admin.listTopics();
        const entry = (await catalog.entries(topics)).get(name);
        return entry === undefined ? undefined : (await catalog.describe(topics, [[name, entry]]))[0];
      },
    },
  };
}
