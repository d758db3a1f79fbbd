export {
  ensureLocalSchemaRegistry,
  stopLocalSchemaRegistry,
  localSchemaRegistryStatus,
  localSchemaRegistryLogFile,
  type LocalSchemaRegistryHandle,
} from './local-schema-registry.js';
export {
  resolveSchemaRegistryLocalOptions,
  confluentUrl,
  SchemaRegistryLocalOptionsSchema,
  type SchemaRegistryLocalOptions,
  type SchemaRegistryLocalOptionsInput,
} from './schema-registry.options.js';
