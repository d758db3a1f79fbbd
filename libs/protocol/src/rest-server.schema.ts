import { z } from 'zod';

/**
 * The REST server of the seed (protocol-fields.md section 3, `api/rest-server.zod.ts`): the API
 * path and envelope, generated CRUD routes, metadata endpoints, batch endpoints and route
 * generation. Every part is optional and defaults to the seed's values.
 */

export const HttpMethod = z.enum(['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS']);
export type HttpMethod = z.infer<typeof HttpMethod>;

export const CrudOperation = z.enum(['create', 'read', 'update', 'delete', 'list']);
export type CrudOperation = z.infer<typeof CrudOperation>;

const VERSION_PATTERN = /^v\d+(\.\d+)?(-[a-z0-9]+)?$/;
const PATH_PATTERN = /^\/[A-Za-z0-9/_-]*$/;

/** OpenAPI document settings of the REST API. */
export const RestApiDocumentationSchema = z.object({
  enabled: z.boolean().default(true).describe('Serve the OpenAPI document and the docs UI'),
  title: z.string().min(1).default('ObjectStack API').describe('OpenAPI info.title'),
  description: z.string().optional().describe('OpenAPI info.description'),
  version: z.string().min(1).optional().describe('OpenAPI info.version (default: the API version)'),
  termsOfService: z.url().optional().describe('OpenAPI info.termsOfService'),
  contact: z.object({ name: z.string().optional(), url: z.url().optional(), email: z.email().optional() }).optional().describe('OpenAPI info.contact'),
  license: z.object({ name: z.string().min(1), url: z.url().optional() }).optional().describe('OpenAPI info.license'),
});

/** `RestApiConfig`: where the API lives and how responses are shaped. */
export const RestApiConfigSchema = z.object({
  version: z.string().regex(VERSION_PATTERN, 'expected a version like v1, v2 or v1.1').default('v1').describe('API version, the last path segment of apiPath'),
  basePath: z.string().regex(PATH_PATTERN, 'expected an absolute path like /api').default('/api').describe('Path prefix of every route'),
  apiPath: z.string().regex(PATH_PATTERN, 'expected an absolute path like /api/v1').optional().describe('Full prefix; default `${basePath}/${version}`'),
  enableCrud: z.boolean().default(true).describe('Generate the /data/{object} CRUD routes'),
  enableMetadata: z.boolean().default(true).describe('Serve the /meta endpoints'),
  enableBatch: z.boolean().default(true).describe('Serve the /data/{object}/batch endpoints'),
  enableDiscovery: z.boolean().default(true).describe('Serve the discovery endpoint (GET apiPath)'),
  documentation: RestApiDocumentationSchema.prefault({}).describe('OpenAPI document'),
  responseFormat: z
    .object({
      envelope: z.boolean().default(true).describe('Wrap results as { success, data, meta }'),
      includeMetadata: z.boolean().default(true).describe('Add meta (request id, timestamp, api version)'),
      includePagination: z.boolean().default(true).describe('Add meta.pagination to list results'),
    })
    .prefault({})
    .describe('Response envelope'),
});

const EndpointPatternSchema = z.object({
  method: HttpMethod,
  path: z.string().min(1).describe('Path template, e.g. /data/{object}/:id'),
  summary: z.string().optional(),
  description: z.string().optional(),
});

/** `CrudEndpointsConfig`: which CRUD operations are generated and where. */
export const CrudEndpointsConfigSchema = z.object({
  operations: z
    .object({
      create: z.boolean().default(true),
      read: z.boolean().default(true),
      update: z.boolean().default(true),
      delete: z.boolean().default(true),
      list: z.boolean().default(true),
    })
    .prefault({})
    .describe('One toggle per CRUD operation'),
  patterns: z.partialRecord(CrudOperation, EndpointPatternSchema).optional().describe('Overrides of the method and path of an operation'),
  dataPrefix: z.string().regex(PATH_PATTERN, 'expected an absolute path like /data').default('/data').describe('Prefix of the object routes'),
  objectParamStyle: z.enum(['path', 'query']).default('path').describe('Object name as a path segment or a query parameter'),
});

const MetadataEndpointSchema = z.object({ method: HttpMethod.default('GET'), path: z.string().min(1) });

/** `MetadataEndpointsConfig`: the /meta endpoints and their HTTP caching. */
export const MetadataEndpointsConfigSchema = z.object({
  prefix: z.string().regex(PATH_PATTERN, 'expected an absolute path like /meta').default('/meta').describe('Prefix of the metadata routes'),
  enableCache: z.boolean().default(true).describe('Send ETag / Last-Modified and answer 304 to conditional requests'),
  cacheTtl: z.number().int().min(0).default(3600).describe('Cache-Control max-age, seconds'),
  endpoints: z
    .object({
      types: MetadataEndpointSchema.default({ method: 'GET', path: '/meta' }),
      items: MetadataEndpointSchema.default({ method: 'GET', path: '/meta/:type' }),
      item: MetadataEndpointSchema.default({ method: 'GET', path: '/meta/:type/:name' }),
      schema: MetadataEndpointSchema.default({ method: 'GET', path: '/meta/:type/:name/schema' }),
    })
    .prefault({})
    .describe('The four metadata endpoints'),
});

/** `BatchEndpointsConfig`: multi-record endpoints. */
export const BatchEndpointsConfigSchema = z.object({
  maxBatchSize: z.number().int().min(1).max(1000).default(200).describe('Most records in one batch request'),
  enableBatchEndpoint: z.boolean().default(true).describe('POST /data/:object/batch'),
  operations: z
    .object({
      createMany: z.boolean().default(true),
      updateMany: z.boolean().default(true),
      deleteMany: z.boolean().default(true),
      upsertMany: z.boolean().default(true),
    })
    .prefault({})
    .describe('POST /data/:object/<op> toggles'),
  defaultAtomic: z.boolean().default(true).describe('A batch is all-or-nothing unless the request says otherwise'),
});

/** `RouteGenerationConfig`: which objects get routes and how they are named. */
export const RouteGenerationConfigSchema = z.object({
  includeObjects: z.array(z.string().min(1)).default([]).describe('Objects to generate routes for (empty = all)'),
  excludeObjects: z.array(z.string().min(1)).default([]).describe('Objects never exposed'),
  nameTransform: z.enum(['none', 'plural', 'kebab-case', 'camelCase']).default('none').describe('How an object name becomes its path segment'),
  overrides: z
    .record(
      z.string().min(1),
      z.object({
        enabled: z.boolean().optional(),
        basePath: z.string().regex(PATH_PATTERN).optional(),
        operations: z.partialRecord(CrudOperation, z.boolean()).optional(),
      }),
    )
    .default({})
    .describe('Per-object overrides'),
});

/** `RestServerConfig` = {api, crud, metadata, batch, routes}, each defaulted. */
export const RestServerConfigSchema = z.object({
  api: RestApiConfigSchema.prefault({}),
  crud: CrudEndpointsConfigSchema.prefault({}),
  metadata: MetadataEndpointsConfigSchema.prefault({}),
  batch: BatchEndpointsConfigSchema.prefault({}),
  routes: RouteGenerationConfigSchema.prefault({}),
});

export type RestServerConfig = z.infer<typeof RestServerConfigSchema>;
export type RestServerConfigInput = z.input<typeof RestServerConfigSchema>;
export type RestApiConfig = z.infer<typeof RestApiConfigSchema>;

/** `GeneratedEndpoint`: one route the registry generated (the handler stays in the server). */
export const GeneratedEndpointSchema = z.object({
  id: z.string().min(1),
  method: HttpMethod,
  path: z.string().min(1),
  object: z.string().min(1),
  operation: z.string().min(1),
  metadata: z
    .object({ summary: z.string().optional(), description: z.string().optional(), tags: z.array(z.string()).default([]), deprecated: z.boolean().default(false) })
    .prefault({}),
});
export type GeneratedEndpoint = z.infer<typeof GeneratedEndpointSchema>;

/** The API path of a parsed config: apiPath, else `${basePath}/${version}`. */
export function apiPathOf(api: RestApiConfig): string {
  return api.apiPath ?? `${api.basePath.replace(/\/$/, '')}/${api.version}`;
}
