import { randomUUID } from 'node:crypto';
import { ensureTopics, scanTopics, stateTopic, StateTopics, type KafkaClient, type OutgoingRecord } from '@switchyard/kafka';
import { parseOrThrow, SwitchyardError } from '@switchyard/protocol';
import { authHeaders } from '../delivery/auth-headers.js';
import { generateWebhookSecret, parseWebhookSecret } from '../signing/webhook-secret.js';
import type { SsrfGuard } from '../ssrf/ssrf-guard.js';
import { decodeEndpointRecord, encodeEndpointDeletion, encodeStoredEndpoint, type StoredEndpoint } from './endpoint-record.v1.js';
import { EndpointRegistryOptionsSchema, type EndpointRegistryOptions, type EndpointRegistryOptionsInput } from './endpoint-registry.options.js';
import { WebhookEndpointSchema, type WebhookEndpoint, type WebhookEndpointInput } from './webhook-endpoint.schema.js';

/** An endpoint as front ends show it: no secrets. */
export interface EndpointView {
  readonly endpoint: WebhookEndpoint;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly disabledReason?: string;
  /** While a rotation's previous secret still signs: when it stops. */
  readonly previousSecretExpiresAt?: string;
}

/** What create and rotate hand back once: the secret the receiver must store. */
export interface EndpointWithSecret {
  readonly view: EndpointView;
  readonly secret: string;
}

export interface EndpointRegistryDeps {
  /** When given, create and update refuse URLs the guard refuses (checked again at each delivery). */
  readonly guard?: SsrfGuard;
  readonly now?: () => number;
}

/** Fields of a new endpoint: an EventWebhookConfig without `transform`; id generated when absent; a secret generated when absent. */
export type NewEndpointInput = Omit<WebhookEndpointInput, 'id'> & { readonly id?: string; readonly secret?: string };

/**
 * The engine behind every front end (the lib API now; the CLI and REST later): create, update,
 * disable/enable, delete (tombstone) endpoints and rotate their secrets in the compacted endpoints
 * topic; the current table is read by replaying the topic. Writes are durable (acks=all,
 * idempotent producer) when the promise resolves. Read-modify-write is not fenced: two writers
 * changing one endpoint at the same moment keep the last write.
 */
export class WebhookEndpointRegistry {
  readonly options: EndpointRegistryOptions;
  readonly topic: string;
  readonly #client: KafkaClient;
  readonly #guard: SsrfGuard | undefined;
  readonly #now: () => number;
  readonly #state: StateTopics;

  constructor(client: KafkaClient, options: EndpointRegistryOptionsInput = {}, deps: EndpointRegistryDeps = {}) {
    this.options = parseOrThrow(EndpointRegistryOptionsSchema, options, { code: 'SY_INVALID_CONFIG', what: 'EndpointRegistryOptions' });
    this.topic = this.options.topic ?? stateTopic('webhooks');
    this.#client = client;
    this.#guard = deps.guard;
    this.#now = deps.now ?? Date.now;
    this.#state = new StateTopics(client, [this.topic], (admin) =>
      ensureTopics(admin, [{ topic: this.topic, numPartitions: 1, replicationFactor: this.options.replicationFactor, configs: { 'cleanup.policy': 'compact' } }]),
    );
  }

  /** Connects and creates the compacted endpoints topic (one partition) when missing. */
  connect(): Promise<void> {
    return this.#state.connect();
  }

  disconnect(): Promise<void> {
    return this.#state.disconnect();
  }

  /**
   * Creates an endpoint and returns its secret (shown once: store it on the receiver).
   * @throws SwitchyardError `SY_INVALID_CONFIG` naming the field, `SY_WEBHOOK_INVALID_SECRET`,
   *   `SY_WEBHOOK_ADDRESS_REFUSED` (with a guard); an id in use is `SY_INVALID_CONFIG` naming endpoint.id.
   */
  async create(input: NewEndpointInput): Promise<EndpointWithSecret> {
    const { secret: given, ...fields } = input;
    const endpoint = await this.#validate({ ...fields, id: fields.id ?? `ep_${randomUUID()}` });
    if (given !== undefined) parseWebhookSecret(given, 'endpoint.secret');
    if ((await this.snapshot()).has(endpoint.id)) {
      throw new SwitchyardError('SY_INVALID_CONFIG', `endpoint.id: an endpoint "${endpoint.id}" already exists.`, { hint: 'Pick another id, or update that endpoint.', details: { id: endpoint.id } });
    }
    const at = this.#iso();
    const stored = { endpoint, secret: given ?? generateWebhookSecret(), createdAt: at, updatedAt: at };
    await this.#write(encodeStoredEndpoint(stored));
    return { view: viewOf(stored, this.#now()), secret: stored.secret };
  }

  /** Replaces fields of an endpoint (validated as a whole); the id stays. @throws `SY_WEBHOOK_UNKNOWN_ENDPOINT` */
  async update(id: string, changes: Partial<Omit<WebhookEndpointInput, 'id'>>): Promise<EndpointView> {
    const current = await this.#stored(id);
    const endpoint = await this.#validate({ ...current.endpoint, ...changes, id });
    // An enabled endpoint has no disabled reason; a disabled one keeps the reason it was disabled for.
    const { disabledReason, ...rest } = current;
    const next = { ...rest, endpoint, updatedAt: this.#iso(), ...(!endpoint.enabled && disabledReason ? { disabledReason } : {}) };
    await this.#write(encodeStoredEndpoint(next));
    return viewOf(next, this.#now());
  }

  /** Disables an endpoint (no deliveries) and says why (e.g. `410 Gone` from the dispatcher). */
  async disable(id: string, reason = 'disabled by an operator'): Promise<EndpointView> {
    const current = await this.#stored(id);
    const next = { ...current, endpoint: { ...current.endpoint, enabled: false }, disabledReason: reason, updatedAt: this.#iso() };
    await this.#write(encodeStoredEndpoint(next));
    return viewOf(next, this.#now());
  }

  /** Enables an endpoint again. */
  enable(id: string): Promise<EndpointView> {
    return this.update(id, { enabled: true });
  }

  /** Deletes an endpoint (a tombstone in the compacted topic). @throws `SY_WEBHOOK_UNKNOWN_ENDPOINT` */
  async delete(id: string): Promise<void> {
    await this.#stored(id);
    await this.#write(encodeEndpointDeletion(id));
  }

  /**
   * Rotates the signing secret: a new one signs from now on, and the old one keeps signing beside
   * it for `graceMs` (default `rotationGraceMs`), so receivers can switch without a gap. A second
   * rotation within the grace drops the oldest secret.
   */
  async rotateSecret(id: string, { graceMs = this.options.rotationGraceMs, secret }: { graceMs?: number; secret?: string } = {}): Promise<EndpointWithSecret> {
    const current = await this.#stored(id);
    if (secret !== undefined) parseWebhookSecret(secret, 'secret');
    const now = this.#now();
    const next = { ...current, secret: secret ?? generateWebhookSecret(), previousSecret: { secret: current.secret, expiresAt: new Date(now + graceMs).toISOString() }, updatedAt: new Date(now).toISOString() };
    await this.#write(encodeStoredEndpoint(next));
    return { view: viewOf(next, now), secret: next.secret };
  }

  /** Every endpoint, sorted by id. */
  async list(): Promise<EndpointView[]> {
    return [...(await this.snapshot()).values()].map((stored) => viewOf(stored, this.#now())).sort((a, b) => a.endpoint.id.localeCompare(b.endpoint.id));
  }

  /** One endpoint. @throws SwitchyardError `SY_WEBHOOK_UNKNOWN_ENDPOINT` */
  async get(id: string): Promise<EndpointView> {
    return viewOf(await this.#stored(id), this.#now());
  }

  /** The current table with secrets (for the dispatcher), read by replaying the topic to its end. */
  async snapshot(): Promise<Map<string, StoredEndpoint>> {
    await this.connect();
    const table = new Map<string, StoredEndpoint>();
    await scanTopics(this.#client, [this.topic], (record) => {
      const decoded = decodeEndpointRecord(record);
      if (decoded?.stored) table.set(decoded.id, decoded.stored);
      else if (decoded) table.delete(decoded.id);
    });
    return table;
  }

  async #stored(id: string): Promise<StoredEndpoint> {
    const stored = (await this.snapshot()).get(id);
    if (!stored) {
      throw new SwitchyardError('SY_WEBHOOK_UNKNOWN_ENDPOINT', `No webhook endpoint "${id}" in ${this.topic}.`, { hint: 'List the endpoints and use one of their ids.', details: { id } });
    }
    return stored;
  }

  async #validate(input: unknown): Promise<WebhookEndpoint> {
    const endpoint = parseOrThrow(WebhookEndpointSchema, input, { code: 'SY_INVALID_CONFIG', what: 'endpoint' });
    authHeaders(endpoint.authentication, 'endpoint');
    await this.#guard?.check(endpoint.url);
    return endpoint;
  }

  #write(record: OutgoingRecord): Promise<void> {
    return this.#state.send([{ topic: this.topic, records: [record] }]);
  }

  #iso(): string {
    return new Date(this.#now()).toISOString();
  }
}

function viewOf(stored: Omit<StoredEndpoint, 'format'>, nowMs: number): EndpointView {
  return {
    endpoint: stored.endpoint,
    createdAt: stored.createdAt,
    updatedAt: stored.updatedAt,
    ...(stored.disabledReason ? { disabledReason: stored.disabledReason } : {}),
    ...(stored.previousSecret && Date.parse(stored.previousSecret.expiresAt) > nowMs ? { previousSecretExpiresAt: stored.previousSecret.expiresAt } : {}),
  };
}
