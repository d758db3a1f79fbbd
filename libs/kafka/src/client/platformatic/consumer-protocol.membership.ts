import { kGetApi, type Consumer } from '@platformatic/kafka';
import type { Logger } from 'pino';
import type { Assigned } from './fetch-loop.js';
import { protocolErrorId } from './platformatic.errors.js';

type ApiGetter = (name: string, callback: (error: Error | null, api?: unknown) => void) => void;
type Api = ((...args: unknown[]) => void) & { version: number };

/** ConsumerGroupHeartbeat's arguments after the connection: (..., memberEpoch at 3, ..., callback last). */
const MEMBER_EPOCH_ARG = 3;
/** Heartbeat errors after which the member no longer owns its partitions (KIP-848). */
const LOSING_ERRORS = new Set(['FENCED_MEMBER_EPOCH', 'UNKNOWN_MEMBER_ID']);

const key = (p: Assigned) => `${p.topic}\u0000${p.partition}`;

function sameSet(a: readonly Assigned[], b: readonly Assigned[]): boolean {
  if (a.length !== b.length) return false;
  const keys = new Set(a.map(key));
  return b.every((p) => keys.has(key(p)));
}

/** What the member must do before its next heartbeat goes out (see {@link planReconcile}). */
export interface ReconcilePlan {
  /** Give up everything handed to the fetch loop first (revoke listeners awaited); `lost` when the member was fenced. */
  readonly revoke?: { readonly lost: boolean };
  /** Then hand this assignment to the fetch loop and the join listeners. */
  readonly assign?: readonly Assigned[];
}

/**
 * The pure decision of the membership: `handed` is what the fetch loop holds (undefined before
 * the first assignment), `target` the library's assignment after the last heartbeat response
 * (null until the broker sent one), `memberEpoch` the epoch the next heartbeat carries (0 when the
 * library rejoins after being fenced, -1 when it leaves).
 *
 * Any change revokes everything handed out, then assigns the whole target (eager on our side of
 * the incremental protocol): the fetch loop re-reads every position from the committed offsets,
 * which the revoke listeners have just committed, so no record is handed out twice. Members the
 * broker's reconciliation does not touch keep consuming (unlike the classic protocol's rebalance).
 */
export function planReconcile(handed: readonly Assigned[] | undefined, target: readonly Assigned[] | null, memberEpoch: number): ReconcilePlan {
  const holding = (handed?.length ?? 0) > 0;
  if (memberEpoch < 0) return {};
  if (memberEpoch === 0 && holding) return { revoke: { lost: true }, ...(target && target.length > 0 ? { assign: target } : {}) };
  if (target === null) return {};
  if (handed !== undefined && sameSet(handed, target)) return {};
  return { ...(holding ? { revoke: { lost: false } } : {}), assign: target };
}

/** The consumer's side of the membership (platformatic.consumer.ts). */
export interface MembershipHost {
  /** Stops handing out batches, waits for those in flight and awaits the revoke listeners (each bounded by the rebalance timeout). */
  revokeAll(lost: boolean): Promise<void>;
  /** Hands `partitions` to the fetch loop, then the join listeners (the consumer's join path). */
  assign(partitions: readonly Assigned[]): Promise<void>;
}

/**
 * Group membership on the KIP-848 consumer protocol (`groupProtocol: 'consumer'`), on top of the
 * library's ConsumerGroupHeartbeat loop. The library reconciles assignments itself (it diffs the
 * broker's assignment, updates `consumer.assignments`, then heartbeats the new owned partitions,
 * which acknowledges a revocation); the ConsumerGroupHeartbeat API it looks up through `kGetApi` is
 * wrapped here so that
 * - each response's member epoch is recorded (the library keeps it private): it is the generation
 *   OffsetCommit and TxnOffsetCommit are checked against for consumer-protocol groups;
 * - before a heartbeat goes out after the assignment changed, the revoke listeners are awaited
 *   (the acknowledgement is what lets the broker give the partitions to another member), bounded
 *   by the rebalance timeout, and the new assignment is handed to the fetch loop.
 */
export class ConsumerProtocolMembership {
  #memberEpoch = -1;
  #handed: readonly Assigned[] | undefined;
  #chain: Promise<void> = Promise.resolve();
  /** The last heartbeat that went out (connection first, no callback), repeated to keep the session while one is held. */
  #lastSent: unknown[] | undefined;
  /** The broker's heartbeat interval (group.consumer.heartbeat.interval.ms), from the last response. */
  #intervalMs = 5_000;
  readonly #consumer: Consumer;
  readonly #host: MembershipHost;
  readonly #log: Logger;
  readonly #boundMs: number;

  constructor(consumer: Consumer, host: MembershipHost, log: Logger, boundMs: number) {
    this.#consumer = consumer;
    this.#host = host;
    this.#log = log;
    this.#boundMs = boundMs;
    const target = consumer as unknown as Record<symbol, ApiGetter>;
    const getApi = (target[kGetApi] as ApiGetter).bind(consumer);
    target[kGetApi] = (name, callback) => {
      if (name !== 'ConsumerGroupHeartbeat') return getApi(name, callback);
      getApi(name, (error, api) => callback(error, api ? this.#wrap(api as Api) : api));
    };
  }

  /** The epoch of the last heartbeat response (-1 before the first, 0 after being fenced). */
  get memberEpoch(): number {
    return this.#memberEpoch;
  }

  /**
   * Joins the group: the library starts its ConsumerGroupHeartbeat loop only from `consume()` (its
   * `joinGroup()` does nothing under this protocol), so a message stream is opened for the join and
   * closed unread at once (our fetch loop fetches). The topics stay subscribed: the consumer tracks
   * them too (the library counts each topic's subscribers).
   */
  async join(topics: readonly string[]): Promise<void> {
    const stream = await this.#consumer.consume({ topics: [...topics], autocommit: false });
    await stream.close();
  }

  /** Forgets what the fetch loop was handed (the consumer stopped and revoked it itself). */
  reset(): void {
    this.#handed = undefined;
  }

  #wrap(api: Api): Api {
    const wrapped = (...args: unknown[]) => {
      const callback = args.pop() as (error: Error | null, response?: { memberEpoch: number }) => void;
      const epoch = args[MEMBER_EPOCH_ARG] as number;
      const stopBeating = this.#keepAlive(api, epoch);
      void this.#beforeHeartbeat(epoch).then(() => {
        stopBeating();
        this.#lastSent = args;
        api(...args, (error: Error | null, response?: { memberEpoch: number; heartbeatIntervalMs?: number }) => {
          this.#afterHeartbeat(epoch, error, response);
          callback(error, response);
          // The library has taken the response in (an empty first assignment needs no heartbeat).
          if (!error && epoch >= 0) setImmediate(() => void this.#reconcile(this.#memberEpoch));
        });
      });
    };
    return Object.assign(wrapped, api);
  }

  /**
   * While a heartbeat is held for the revoke listeners, the previous one (the same epoch, the
   * partitions still owned) is sent again every broker heartbeat interval: the broker then knows
   * the member is alive and still revoking, and does not expire its session (45 s by default,
   * shorter than the rebalance timeout). Their responses are ignored; the held heartbeat gets the news.
   */
  #keepAlive(api: Api, epoch: number): () => void {
    const previous = this.#lastSent;
    if (!previous || epoch <= 0 || (previous[MEMBER_EPOCH_ARG] as number) <= 0) return () => undefined;
    const timer = setInterval(() => api(...previous, () => undefined), this.#intervalMs);
    return () => clearInterval(timer);
  }

  #afterHeartbeat(sentEpoch: number, error: Error | null, response: { memberEpoch: number; heartbeatIntervalMs?: number } | undefined): void {
    if (sentEpoch < 0) {
      this.#memberEpoch = -1;
      return;
    }
    if (response && !error) {
      this.#memberEpoch = response.memberEpoch;
      if ((response.heartbeatIntervalMs ?? 0) > 0) this.#intervalMs = response.heartbeatIntervalMs!;
      return;
    }
    const id = protocolErrorId(error);
    if (id && LOSING_ERRORS.has(id)) {
      this.#memberEpoch = 0;
      this.#log.warn({ groupId: this.#consumer.groupId, error: id }, 'fenced out of the consumer group: its partitions are lost');
      void this.#reconcile(0);
    }
  }

  /** Waits for the reconciliation the heartbeat acknowledges, bounded: a heartbeat is never held forever. */
  async #beforeHeartbeat(epoch: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const bound = new Promise<void>((resolve) => (timer = setTimeout(resolve, 2 * this.#boundMs)));
    await Promise.race([this.#reconcile(epoch), bound]).finally(() => clearTimeout(timer));
  }

  /** One reconciliation at a time, in heartbeat order. */
  #reconcile(epoch: number): Promise<void> {
    this.#chain = this.#chain.then(() => this.#step(epoch)).catch((error: unknown) => this.#log.error({ err: error, groupId: this.#consumer.groupId }, 'reconciling the assignment failed'));
    return this.#chain;
  }

  async #step(epoch: number): Promise<void> {
    const target = this.#consumer.assignments?.flatMap((a) => a.partitions.map((partition) => ({ topic: a.topic, partition }))) ?? null;
    const plan = planReconcile(this.#handed, target, epoch);
    if (plan.revoke) {
      await this.#host.revokeAll(plan.revoke.lost);
      this.#handed = [];
    }
    if (plan.assign) {
      this.#handed = plan.assign;
      await this.#host.assign(plan.assign);
    }
  }
}
