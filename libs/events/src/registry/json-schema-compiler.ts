/**
 * The ajv 8 side of the schema-registry codec: compiles event types' JSON Schemas (for the codec's
 * own checks and, through `jsonOptions.ajvInstance`, for `@kafkajs/confluent-schema-registry`) and
 * turns ajv's first error into the JSON path of the offending field.
 *
 * The library's own ajv 7 knows neither draft 2019-09/2020-12 nor `format: "date-time"`, hence ajv 8
 * with ajv-formats. Its validation error keeps only each error's `instancePath`, so a missing required
 * property loses its name; {@link JsonSchemaCompiler.explain} recovers the full ajv error instead.
 */
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { Ajv2019 } from 'ajv/dist/2019.js';
import { Ajv2020 } from 'ajv/dist/2020.js';
import ajvFormats from 'ajv-formats';

/** What the library's JsonSchema calls a validator: `validate(data)`, then reads `validate.errors`. */
export interface LibraryValidateFunction {
  (data: unknown): boolean;
  errors?: ErrorObject[] | null;
}

/**
 * What `jsonOptions.ajvInstance` must offer, read off the library's `dist/JsonSchema.js`: `compile`
 * for every schema it loads (registered or fetched by id), and `addSchema` for each schema a loaded
 * one references (then `compile` right after).
 */
export interface LibraryAjvInstance {
  compile(schema: object): LibraryValidateFunction;
  addSchema(schema: object, key?: string): never;
}

/**
 * Compiles for the library and remembers the ajv errors of the latest failed validation, so the
 * codec can name the field behind a library validation failure.
 */
export class JsonSchemaCompiler {
  #lastErrors: ErrorObject[] | null = null;

  /** The `jsonOptions.ajvInstance` handed to the library's `SchemaRegistry`. */
  readonly ajvInstance: LibraryAjvInstance = {
    compile: (schema) => this.#compileForLibrary(schema),
    addSchema: () => {
      throw new Error('schemas with references are not supported (this codec registers self-contained JSON Schemas)');
    },
  };

  /**
   * Runs `validate`, which must synchronously call a validator this compiler made (e.g. the library
   * schema's `isValid`), and returns the ajv errors of that run: `undefined` when it passed.
   */
  explain(validate: () => boolean): readonly ErrorObject[] | undefined {
    this.#lastErrors = null;
    const valid = validate();
    const errors = (this.#lastErrors as ErrorObject[] | null) ?? [];
    this.#lastErrors = null;
    return valid ? undefined : errors;
  }

  /** Schemas from the registry may have been written by others: compiled leniently. */
  #compileForLibrary(schema: object): LibraryValidateFunction {
    const ajvValidate = compileJsonSchema(schema, false);
    const validate: LibraryValidateFunction = (data) => {
      const valid = ajvValidate(data);
      validate.errors = ajvValidate.errors;
      if (!valid) this.#lastErrors = ajvValidate.errors ?? [];
      return valid;
    };
    return validate;
  }
}

/**
 * A fresh ajv per schema: versions of one event type usually share an `$id`, which one ajv instance
 * accepts only once (so the library must not get one shared instance either). `strictSchema` catches
 * keyword typos when registering. The class follows `$schema`.
 */
export function compileJsonSchema(schema: object, strictSchema: boolean): ValidateFunction {
  const draft = String((schema as { $schema?: unknown }).$schema ?? '');
  const options = { strict: false, strictSchema, allErrors: false };
  const ajv = draft.includes('2020-12') ? new Ajv2020(options) : draft.includes('2019-09') ? new Ajv2019(options) : new Ajv(options);
  ajvFormats.default(ajv);
  return ajv.compile(schema);
}

/** The offending field as a JSON path (`$.items[0].sku`), including the missing/extra property itself. */
export function fieldPath(error: ErrorObject): string {
  const params = error.params as { missingProperty?: string; additionalProperty?: string; unevaluatedProperty?: string };
  const segments = error.instancePath
    .split('/')
    .slice(1)
    .map((segment) => segment.replace(/~1/g, '/').replace(/~0/g, '~'));
  const extra = params.missingProperty ?? params.additionalProperty ?? params.unevaluatedProperty;
  if (extra !== undefined) segments.push(extra);
  return segments.reduce((path, segment) => {
    if (/^\d+$/.test(segment)) return `${path}[${segment}]`;
    return /^[A-Za-z_$][\w$]*$/.test(segment) ? `${path}.${segment}` : `${path}[${JSON.stringify(segment)}]`;
  }, '$');
}

/** What is wrong with the field, phrased to follow {@link fieldPath}. */
export function describeProblem(error: ErrorObject): string {
  if (error.keyword === 'required' || error.keyword === 'dependentRequired') return 'is required but missing';
  if (error.keyword === 'additionalProperties' || error.keyword === 'unevaluatedProperties') return 'is not allowed by the schema';
  return error.message ?? `fails "${error.keyword}"`;
}
