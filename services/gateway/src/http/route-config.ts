import type { CrudOperation, HttpMethod, RestServerConfig } from '@switchyard/protocol';
import { SwitchyardError } from '@switchyard/protocol';

/** Every object the gateway can serve (generated resources and operator routes): the names `routes.includeObjects/excludeObjects/overrides` may use. */
export const GATEWAY_OBJECTS = ['tasks', 'events', 'event-types', 'queues', 'subscriptions', 'dead-letters', 'replays', 'offsets', 'webhooks'] as const;

/** Methods an operation's `crud.patterns` entry may use (a create needs a body; a read or list is a GET). */
const METHODS_OF: Record<CrudOperation, readonly HttpMethod[]> = { create: ['POST', 'PUT', 'PATCH'], read: ['GET'], list: ['GET'], update: ['PATCH', 'PUT', 'POST'], delete: ['DELETE', 'POST'] };
const TAKES_ID: Record<CrudOperation, boolean> = { create: false, list: false, read: true, update: true, delete: true };

function invalid(field: string, message: string, hint: string): SwitchyardError {
  return new SwitchyardError('SY_INVALID_CONFIG', `RestServerConfig ${field}: ${message}`, { hint, details: { field } });
}

/**
 * Refuses, at start-up, the parts of a RestServerConfig the gateway would otherwise ignore
 * silently: an object name it does not serve in include/exclude/overrides (a typo would expose a
 * resource), a `crud.patterns` entry whose method or path cannot carry its operation,
 * `objectParamStyle: query` and `batch.defaultAtomic: false` (not implemented: batches are one
 * Kafka transaction).
 * @throws SwitchyardError SY_INVALID_CONFIG naming the option.
 */
export function checkRouteConfig(config: RestServerConfig): void {
  const known = new Set<string>(GATEWAY_OBJECTS);
  const names: [string, readonly string[]][] = [
    ['routes.includeObjects', config.routes.includeObjects],
    ['routes.excludeObjects', config.routes.excludeObjects],
    ['routes.overrides', Object.keys(config.routes.overrides)],
  ];
  for (const [field, list] of names) {
    const unknown = list.find((n) => !known.has(n));
    if (unknown !== undefined) throw invalid(field, `"${unknown}" is not an object of the gateway.`, `Use one of ${GATEWAY_OBJECTS.join(', ')} (exact names, no globs).`);
  }
  for (const [op, pattern] of Object.entries(config.crud.patterns ?? {}) as [CrudOperation, { method: HttpMethod; path: string }][]) {
    if (!METHODS_OF[op].includes(pattern.method)) throw invalid(`crud.patterns.${op}.method`, `${pattern.method} cannot carry a ${op}.`, `Use one of ${METHODS_OF[op].join(', ')}.`);
    const params = [...pattern.path.matchAll(/:([A-Za-z_]\w*)/g)].map((m) => m[1]);
    const expected = TAKES_ID[op] ? ['id'] : [];
    if (!pattern.path.startsWith('/') || !pattern.path.includes('{object}') || params.join() !== expected.join()) {
      throw invalid(`crud.patterns.${op}.path`, `"${pattern.path}" is not a ${op} path.`, `An absolute path with {object}${TAKES_ID[op] ? ' and :id' : ' and no :param'}, e.g. "/data/{object}${TAKES_ID[op] ? '/:id' : ''}".`);
    }
  }
  if (config.crud.objectParamStyle !== 'path') throw invalid('crud.objectParamStyle', '"query" is not implemented: the object is a path segment.', 'Leave it at "path".');
  if (!config.batch.defaultAtomic) throw invalid('batch.defaultAtomic', 'non-atomic batches are not implemented: a batch is one Kafka transaction.', 'Leave it at true.');
}

/** Whether the routes of `object` are generated: in includeObjects (empty = all), not excluded, not disabled by its override. */
export function objectSelected(object: string, routes: RestServerConfig['routes']): boolean {
  return (routes.includeObjects.length === 0 || routes.includeObjects.includes(object)) && !routes.excludeObjects.includes(object) && routes.overrides[object]?.enabled !== false;
}

/** Whether `operation` of `object` is generated: CRUD on, the operation's toggle on, and not switched off by the object's override. */
export function operationAllowed(config: RestServerConfig, object: string, operation: CrudOperation): boolean {
  return config.api.enableCrud && config.crud.operations[operation] && config.routes.overrides[object]?.operations?.[operation] !== false;
}
