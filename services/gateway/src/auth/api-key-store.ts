import { randomUUID, timingSafeEqual } from 'node:crypto';
import { decodeJsonValue, ensureTopics, scanTopics, throwawayConsumer, throwawayGroup, type ConsumerPort, type IncomingRecord, type KafkaClient, type Logger, type ProducerPort } from '@switchyard/kafka';
import { ApiKeyRecordSchema, keyIdOf, newApiKey, sha256Hex, type ApiKeyRecord } from './api-key.record.js';
import type { Credential, Scope } from './credential.js';

/** Default topic of the API keys (compacted, keyed by key id). */
export const API_KEYS_TOPIC = 'switchyard.state.api-keys';

export interface ApiKeyStoreOptions {
  readonly client: KafkaClient;
  readonly log: Logger;
  readonly topic?: string;
  /** The bootstrap admin key (GATEWAY_ADMIN_KEY): held in memory only, never written. */
  readonly adminKey?: string;
  readonly replicationFactor?: number;
}

const ADMIN_BOOTSTRAP_ID = 'key:admin-bootstrap';

/**
 * API keys: created here (written to the compacted topic, visible at once to this gateway),
 * read into memory at start (a scan of the topic to its end) and then followed by one consumer,
 * so keys made or revoked by another gateway arrive within the consumer's fetch wait. Verifying
 * a key is a map lookup and a constant-time hash comparison.
 */
export class ApiKeyStore {
  readonly #options: ApiKeyStoreOptions;
  readonly #topic: string;
  readonly #keys = new Map<string, ApiKeyRecord>();
  readonly #adminHash: Buffer | undefined;
  #producer: ProducerPort | undefined;
  #follower: ConsumerPort | undefined;

  constructor(options: ApiKeyStoreOptions) {
    this.#options = options;
    this.#topic = options.topic ?? API_KEYS_TOPIC;
    this.#adminHash = options.adminKey ? Buffer.from(sha256Hex(options.adminKey), 'hex') : undefined;
  }

  get topic(): string {
    return this.#topic;
  }

  async start(): Promise<void> {
    const admin = this.#options.client.admin();
    await admin.connect();
    try {
      await ensureTopics(admin, [{ topic: this.#topic, numPartitions: 1, replicationFactor: this.#options.replicationFactor ?? 1, configs: { 'cleanup.policy': 'compact' } }]);
    } finally {
      await admin.disconnect();
    }
    await scanTopics(this.#options.client, [this.#topic], (record) => this.#fold(record));
    const producer = this.#options.client.producer({ idempotent: true });
    await producer.connect();
    this.#producer = producer;
    const follower = throwawayConsumer(this.#options.client, { groupId: throwawayGroup('status-reader', randomUUID()), maxWaitTimeMs: 500 });
    await follower.connect();
    await follower.subscribe([this.#topic], { fromBeginning: true });
    await follower.run({ eachBatch: async (batch) => batch.records.forEach((record) => this.#fold(record)) });
    this.#follower = follower;
  }

  async stop(): Promise<void> {
    await this.#follower?.disconnect();
    await this.#producer?.disconnect();
    this.#follower = undefined;
    this.#producer = undefined;
  }

  /** Creates a key; returns it once (only its hash is kept). */
  async create(fields: { tenant?: string; scopes: readonly Scope[]; name?: string }): Promise<{ key: string; record: ApiKeyRecord }> {
    const created = newApiKey(fields);
    await this.#send(created.record.keyId, JSON.stringify(created.record));
    this.#keys.set(created.record.keyId, created.record);
    return created;
  }

  /** Revokes a key (a tombstone); false when no such key is known. */
  async revoke(keyId: string): Promise<boolean> {
    if (!this.#keys.has(keyId)) return false;
    await this.#send(keyId, null);
    this.#keys.delete(keyId);
    return true;
  }

  list(): ApiKeyRecord[] {
    return [...this.#keys.values()];
  }

  /** The credential of `key`, or undefined for an unknown, revoked or malformed key. */
  verify(key: string): Credential | undefined {
    const hash = Buffer.from(sha256Hex(key), 'hex');
    if (this.#adminHash && timingSafeEqual(hash, this.#adminHash)) return { id: ADMIN_BOOTSTRAP_ID, kind: 'api-key', tenant: undefined, scopes: new Set<Scope>(['admin']) };
    const keyId = keyIdOf(key);
    const record = keyId === undefined ? undefined : this.#keys.get(keyId);
    if (!record || !timingSafeEqual(hash, Buffer.from(record.sha256, 'hex'))) return undefined;
    return { id: `key:${record.keyId}`, kind: 'api-key', tenant: record.tenant, scopes: new Set(record.scopes) };
  }

  async #send(key: string, value: string | null): Promise<void> {
    if (!this.#producer) throw new Error('ApiKeyStore used before start()');
    await this.#producer.send([{ topic: this.#topic, records: [{ key, value }] }]);
  }

  #fold(record: IncomingRecord): void {
    const keyId = record.key?.toString('utf8');
    if (!keyId) return;
    if (record.value === null) {
      this.#keys.delete(keyId);
      return;
    }
    const parsed = decodeJsonValue(record, ApiKeyRecordSchema);
    if (parsed) this.#keys.set(keyId, parsed);
    else this.#options.log.warn({ topic: this.#topic, keyId, offset: record.offset }, 'ignoring an API key record that is not api-key.v1');
  }
}
