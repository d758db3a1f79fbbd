import { fetchV13, fetchV14, fetchV15, fetchV16, fetchV17, kGetApi, kGetConnection, ResponseError, type Connection, type Consumer, type Reader, type Writer } from '@platformatic/kafka';

type Callback<T> = (error: Error | null, result?: T) => void;
type FetchApi = ((
  connection: Connection,
  maxWaitMs: number,
  minBytes: number,
  maxBytes: number,
  isolationLevel: number,
  sessionId: number,
  sessionEpoch: number,
  topics: fetchV17.FetchRequestTopic[],
  forgottenTopicsData: never[],
  rackId: string,
  callback: Callback<fetchV17.FetchResponse>,
) => void) & { readonly version?: number };

/** The library's internals this needs, reached through the symbols its base client exports. */
interface ConsumerInternals {
  [kGetApi](name: string, callback: Callback<FetchApi>): void;
  [kGetConnection](broker: { host: string; port: number }, callback: Callback<Connection>): void;
}

/** A full fetch request outside any fetch session (KIP-227: session id 0, epoch -1). */
const NO_SESSION_ID = 0;
const NO_SESSION_EPOCH = -1;
const FETCH_API_KEY = 1;
/** Fetch v13 and later name topics by id; older versions by name. */
const FIRST_TOPIC_ID_VERSION = 13;

export interface FetchRequest {
  readonly topics: fetchV17.FetchRequestTopic[];
  readonly isolationLevel: 0 | 1;
  readonly maxWaitMs: number;
  readonly minBytes: number;
  readonly maxBytes: number;
  /** Topic ids to names (for a broker that only speaks Fetch v12 or older). */
  readonly topicNames: ReadonlyMap<string, string>;
}

/** A connection to `broker` from the consumer's pool and the negotiated Fetch API. */
function fetchApiOf(consumer: Consumer, broker: { host: string; port: number }): Promise<{ connection: Connection; api: FetchApi }> {
  const internals = consumer as unknown as ConsumerInternals;
  return new Promise((resolve, reject) => {
    internals[kGetConnection](broker, (connectionError, connection) => {
      if (connectionError || !connection) return reject(connectionError ?? new Error(`no connection to ${broker.host}:${broker.port}`));
      internals[kGetApi]('Fetch', (apiError, api) => {
        if (apiError || !api) return reject(apiError ?? new Error('Fetch is not supported by the broker'));
        resolve({ connection, api });
      });
    });
  });
}

/**
 * One Fetch request to `broker` through the library consumer's connections, answered as the broker
 * sent it: the records of aborted transactions are still in it, with the broker's list of them.
 * The library's own fetch() filters read_committed answers before they reach us, and wrongly: per
 * producer it drops every batch from the first listed aborted transaction up to that producer's
 * LAST abort marker in the answer, committed transactions in between included. Measured in
 * transactions.broker-restart: an answer with one aborted transaction listed (producer 0 from
 * offset 400, its ABORT at 401) and a later ABORT of that producer at 806 (a transaction with no
 * records in that partition, so not listed) lost the 202 committed transactions between them for a
 * fresh reader. fetched-batch.ts filters the answer the way the Java consumer does. No fetch
 * session either: the fetch loop sends every partition's position each time (a few bytes per
 * partition), and an answer never depends on the broker's copy of an earlier request.
 */
export async function fetchUnfiltered(consumer: Consumer, broker: { host: string; port: number }, request: FetchRequest): Promise<fetchV17.FetchResponse> {
  const { connection, api } = await fetchApiOf(consumer, broker);
  const byName = (api.version ?? FIRST_TOPIC_ID_VERSION) < FIRST_TOPIC_ID_VERSION;
  const topics = byName ? request.topics.map((t) => ({ ...t, topicId: request.topicNames.get(t.topicId) ?? t.topicId })) : request.topics;
  const response = await new Promise<fetchV17.FetchResponse>((resolve, reject) =>
    api(connection, request.maxWaitMs, request.minBytes, request.maxBytes, request.isolationLevel, NO_SESSION_ID, NO_SESSION_EPOCH, topics, [], '', (error, result) => (error ? reject(error) : resolve(result!))),
  );
  if (byName) {
    const ids = new Map([...request.topicNames].map(([id, name]) => [name, id]));
    for (const topic of response.responses) topic.topicId = ids.get(topic.topicId) ?? topic.topicId;
  }
  return response;
}

/** A partition of a raw fetch answer: its record batches as the broker sent them (bytes). */
export interface RawFetchPartition {
  readonly partitionIndex: number;
  readonly errorCode: number;
  readonly highWatermark: bigint;
  readonly lastStableOffset: bigint;
  readonly abortedTransactions: readonly { readonly producerId: bigint; readonly firstOffset: bigint }[] | null;
  readonly records: Buffer | null;
}

export interface RawFetchResponse {
  readonly responses: readonly { topicId: string; readonly partitions: readonly RawFetchPartition[] }[];
}

/** The library's Fetch request encoders by version (v13 on: topics by id, the answers' layout the same up to v17). */
const RAW_FETCH_REQUESTS: Readonly<Record<number, { createRequest: (...args: never[]) => Writer }>> = { 13: fetchV13, 14: fetchV14, 15: fetchV15, 16: fetchV16, 17: fetchV17 };

/**
 * A Fetch answer (v13-v17) with each partition's records left as bytes: `RecordBatch.raw` reads
 * them in place (records/record-batch-reader.ts), with no object per record. Errors as the
 * library's parser reports them (a ResponseError naming each failed partition's path).
 */
function parseRawFetchResponse(_correlationId: number, apiKey: number, apiVersion: number, reader: Reader): RawFetchResponse {
  const errors: [string, [number, null]][] = [];
  reader.readInt32(); // throttle time
  const errorCode = reader.readInt16();
  if (errorCode !== 0) errors.push(['/', [errorCode, null]]);
  reader.readInt32(); // session id
  const response: RawFetchResponse = {
    responses: reader.readArray((r, i) => ({
      topicId: r.readUUID(),
      partitions: r.readArray((r, j): RawFetchPartition => {
        const partitionIndex = r.readInt32();
        const partitionError = r.readInt16();
        if (partitionError !== 0) errors.push([`/responses/${i}/partitions/${j}`, [partitionError, null]]);
        const highWatermark = r.readInt64();
        const lastStableOffset = r.readInt64();
        r.readInt64(); // log start offset
        const abortedTransactions = r.readNullableArray((r) => ({ producerId: r.readInt64(), firstOffset: r.readInt64() }));
        r.readInt32(); // preferred read replica
        // COMPACT_RECORDS: length + 1, 0 = null.
        const size = r.readUnsignedVarInt() - 1;
        const records = size > 0 ? r.buffer.slice(r.position, r.position + size) : null;
        if (size > 0) r.skip(size);
        return { partitionIndex, errorCode: partitionError, highWatermark, lastStableOffset, abortedTransactions, records };
      }),
    })),
  };
  reader.readTaggedFields();
  if (errors.length > 0) throw new ResponseError(apiKey, apiVersion, Object.fromEntries(errors), response);
  return response;
}

interface RawConnection {
  send(apiKey: number, apiVersion: number, payload: () => Writer, parser: typeof parseRawFetchResponse, requestTagged: boolean, responseTagged: boolean, callback: Callback<RawFetchResponse>): void;
}

/**
 * Like fetchUnfiltered, with the records left as bytes; undefined (without a request) when the
 * broker's Fetch version is older than v13: the caller fetches with fetchUnfiltered then.
 */
export async function fetchRaw(consumer: Consumer, broker: { host: string; port: number }, request: FetchRequest): Promise<RawFetchResponse | undefined> {
  const { connection, api } = await fetchApiOf(consumer, broker);
  const encoder = RAW_FETCH_REQUESTS[api.version ?? 0];
  if (!encoder) return undefined;
  const payload = () =>
    (encoder.createRequest as (...args: unknown[]) => Writer)(request.maxWaitMs, request.minBytes, request.maxBytes, request.isolationLevel, NO_SESSION_ID, NO_SESSION_EPOCH, request.topics, [], '');
  return new Promise((resolve, reject) =>
    (connection as unknown as RawConnection).send(FETCH_API_KEY, api.version!, payload, parseRawFetchResponse, true, true, (error, result) => (error ? reject(error) : resolve(result))),
  );
}
