import type { AdminPort, KafkaClient, ProducerPort, TopicRecords } from './kafka-client.port.js';

/**
 * The write side of state kept in Kafka topics (the scheduler's jobs and log, the webhooks'
 * endpoints): connects once, creates the topics when one is missing (through `ensure`, which knows
 * their partitions and configs), then writes through one idempotent producer. Reads are
 * `scanTopics` over the same topics.
 */
export class StateTopics {
  readonly #client: KafkaClient;
  readonly #topics: readonly string[];
  readonly #ensure: (admin: AdminPort) => Promise<unknown>;
  #producer: ProducerPort | undefined;
  #admin: AdminPort | undefined;

  constructor(client: KafkaClient, topics: readonly string[], ensure: (admin: AdminPort) => Promise<unknown>) {
    this.#client = client;
    this.#topics = topics;
    this.#ensure = ensure;
  }

  /** Connects, creating the topics first when any is missing. Idempotent. */
  async connect(): Promise<void> {
    if (this.#producer) return;
    this.#admin = this.#client.admin();
    await this.#admin.connect();
    const existing = new Set(await this.#admin.listTopics());
    if (this.#topics.some((topic) => !existing.has(topic))) await this.#ensure(this.#admin);
    this.#producer = this.#client.producer({ idempotent: true });
    await this.#producer.connect();
  }

  async disconnect(): Promise<void> {
    await this.#producer?.disconnect();
    await this.#admin?.disconnect();
    this.#producer = undefined;
    this.#admin = undefined;
  }

  /** Writes (connecting first when needed); one call is one produce request set, acknowledged. */
  async send(batch: readonly TopicRecords[]): Promise<void> {
    await this.connect();
    await this.#producer!.send(batch);
  }
}
