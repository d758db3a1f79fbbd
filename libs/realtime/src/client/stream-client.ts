/**
 * One connected client: its scope and subscription, where it is in Kafka, a bounded buffer in
 * front of its transport, its rate limit and heartbeats. The hub offers it every record it reads;
 * the client keeps what matches. A transport that does not keep up (its writes back up) lets the
 * buffer fill; a full buffer drops the client with a reason, so one slow client never holds up
 * the hub or the other clients.
 *
 * Position: a live client is normally at the hub's position (its ids are the hub's, one encoding
 * per record for all clients). A resumed client has a cursor of its own while it catches up (and
 * while it is ahead of this hub, e.g. it came from a faster instance); it rejoins the hub's once
 * the hub has passed it.
 */
import type { StreamMessage } from '../message/stream-message.js';
import { compileSubscription, type CompiledSubscription, type StreamPolicy, type StreamScope, type StreamSubscription } from '../filter/stream-filter.js';
import type { StreamCursor } from '../position/stream-cursor.js';
import { ClientRateLimit } from './client-rate-limit.js';
import type { DropReason, StreamFrame, StreamSink } from './stream-sink.js';

/** One record as the hub hands it to every client. */
export interface HubRecord {
  readonly topic: string;
  readonly partition: number;
  readonly offset: bigint;
  readonly message: StreamMessage | undefined;
  /** The frame of the message with the hub's cursor after this record as id (made once, shared by the clients at the hub's position). */
  sharedFrame(): StreamFrame;
}

export interface StreamClientLimits {
  /** Messages a client may have waiting; one more drops it. */
  readonly maxBuffered: number;
  readonly heartbeatMs: number;
  readonly rateLimit?: { readonly maxEventsPerSecond: number; readonly windowMs: number } | undefined;
}

export type StreamClientState = 'catching-up' | 'live' | 'closed';

/** Messages (not control frames) count against the rate limit and the delivered count. */
function isMessage(frame: StreamFrame): boolean {
  return frame.type === 'event' || frame.type === 'task.status';
}

/** Frame of a stream message with the given id. */
export function messageFrame(message: StreamMessage, id: string): StreamFrame {
  return { type: message.type, id, data: message.data };
}

export class StreamClient {
  readonly id: string;
  readonly scope: StreamScope;
  #subscription: CompiledSubscription;
  readonly #policy: StreamPolicy;
  readonly #sink: StreamSink;
  readonly #limits: StreamClientLimits;
  readonly #rate: ClientRateLimit | undefined;
  readonly #hubCursor: () => StreamCursor;
  readonly #onClosed: (client: StreamClient, reason: DropReason | undefined) => void;
  #state: StreamClientState = 'live';
  /** The client's own cursor; undefined while it is at the hub's position. */
  #own: StreamCursor | undefined;
  /** Records the hub offered while catching up, delivered after the catch-up. */
  #stash: HubRecord[] = [];
  #queue: StreamFrame[] = [];
  #head = 0;
  #blocked = false;
  #rateTimer: NodeJS.Timeout | undefined;
  #rateWaiting = false;
  readonly #heartbeat: NodeJS.Timeout;
  /** Messages written to the transport. */
  delivered = 0;

  constructor(init: { id: string; scope: StreamScope; subscription: StreamSubscription; policy: StreamPolicy; sink: StreamSink; limits: StreamClientLimits; hubCursor: () => StreamCursor; onClosed: (client: StreamClient, reason: DropReason | undefined) => void }) {
    this.id = init.id;
    this.scope = init.scope;
    this.#policy = init.policy;
    this.#subscription = compileSubscription(init.subscription);
    this.#sink = init.sink;
    this.#limits = init.limits;
    this.#rate = init.limits.rateLimit ? new ClientRateLimit(init.limits.rateLimit) : undefined;
    this.#hubCursor = init.hubCursor;
    this.#onClosed = init.onClosed;
    this.#heartbeat = setInterval(() => {
      if (!this.#blocked && this.#pending === 0 && this.#state !== 'closed') this.#sink.heartbeat();
    }, init.limits.heartbeatMs);
    this.#heartbeat.unref();
  }

  get state(): StreamClientState {
    return this.#state;
  }

  get subscription(): StreamSubscription {
    return this.#subscription.source;
  }

  /** The cursor after the last record this client was offered (its resume point). */
  cursor(): StreamCursor {
    return (this.#own ?? this.#hubCursor()).clone();
  }

  setSubscription(subscription: StreamSubscription): void {
    this.#subscription = compileSubscription(subscription);
  }

  /** Sends a control frame (ready, subscribed, gap) through the buffer like any message. */
  control(frame: StreamFrame): void {
    this.#enqueue(frame);
  }

  /** A record the hub read (live). */
  offer(record: HubRecord): void {
    if (this.#state === 'closed') return;
    if (this.#state === 'catching-up') {
      if (this.#stash.length >= this.#limits.maxBuffered) return this.drop('slow-client');
      this.#stash.push(record);
      return;
    }
    this.#take(record);
  }

  /** Starts catching up from `from` (the hub's records are stashed meanwhile). */
  beginCatchUp(from: StreamCursor): void {
    this.#state = 'catching-up';
    this.#own = from.clone();
  }

  /** A record of the catch-up read (offsets below the hub's position at attach); `next` is where the cursor goes after it (past trailing markers). */
  offerCatchUp(topic: string, partition: number, offset: bigint, next: bigint, message: StreamMessage | undefined): void {
    if (this.#state !== 'catching-up' || !this.#own!.isAhead(topic, partition, offset)) return;
    this.#own!.advance(topic, partition, next);
    if (message && this.#policy.matches(message, this.scope, this.#subscription)) this.#enqueue(messageFrame(message, this.#own!.encode()));
  }

  /** The catch-up read everything up to `target` (the hub's position when the client attached): deliver the stash, go live. */
  endCatchUp(target: StreamCursor): void {
    if (this.#state !== 'catching-up') return;
    for (const [key, next] of target.entries()) {
      const at = key.lastIndexOf('\u0000');
      this.#own!.advance(key.slice(0, at), Number(key.slice(at + 1)), next);
    }
    this.#state = 'live';
    const stash = this.#stash;
    this.#stash = [];
    for (const record of stash) this.#take(record, false);
    const hub = this.#hubCursor();
    for (const [key, next] of hub.entries()) {
      const at = key.lastIndexOf('\u0000');
      this.#own!.advance(key.slice(0, at), Number(key.slice(at + 1)), next);
    }
    this.#resync();
  }

  /** Ends the stream: a last `dropped` frame with the reason (when one), then the transport. */
  drop(reason: DropReason, detail?: string): void {
    if (this.#state === 'closed') return;
    this.#sink.write({ type: 'dropped', data: { reason, ...(detail ? { detail } : {}), lastId: this.cursor().encode() } });
    this.#close(reason);
    this.#sink.end();
  }

  /** The transport closed on its own (the client went away). */
  closed(): void {
    this.#close(undefined);
  }

  #close(reason: DropReason | undefined): void {
    if (this.#state === 'closed') return;
    this.#state = 'closed';
    clearInterval(this.#heartbeat);
    clearTimeout(this.#rateTimer);
    this.#queue = [];
    this.#stash = [];
    this.#onClosed(this, reason);
  }

  #take(record: HubRecord, resync = true): void {
    const own = this.#own;
    if (own === undefined) {
      if (record.message && this.#policy.matches(record.message, this.scope, this.#subscription)) this.#enqueue(record.sharedFrame());
      return;
    }
    if (!own.isAhead(record.topic, record.partition, record.offset)) return;
    own.advance(record.topic, record.partition, record.offset + 1n);
    if (record.message && this.#policy.matches(record.message, this.scope, this.#subscription)) this.#enqueue(messageFrame(record.message, own.encode()));
    if (resync) this.#resync();
  }

  /** Back to the hub's position once the hub is at (or past) every partition of the own cursor. */
  #resync(): void {
    if (this.#own === undefined) return;
    const hub = this.#hubCursor();
    for (const [key, next] of this.#own.entries()) {
      const at = key.lastIndexOf('\u0000');
      const hubNext = hub.next(key.slice(0, at), Number(key.slice(at + 1)));
      if (hubNext === undefined || hubNext !== next) return;
    }
    if (hub.size === this.#own.size) this.#own = undefined;
  }

  get #pending(): number {
    return this.#queue.length - this.#head;
  }

  #enqueue(frame: StreamFrame): void {
    if (this.#state === 'closed') return;
    if (this.#pending >= this.#limits.maxBuffered) return this.drop(this.#rateWaiting ? 'rate-limited' : 'slow-client', `more than ${this.#limits.maxBuffered} messages waiting`);
    this.#queue.push(frame);
    this.#pump();
  }

  #pump(): void {
    while (this.#pending > 0 && !this.#blocked && !this.#rateWaiting && this.#state !== 'closed') {
      const frame = this.#queue[this.#head]!;
      if (this.#rate && isMessage(frame)) {
        const wait = this.#rate.take(Date.now());
        if (wait > 0) {
          this.#rateWaiting = true;
          this.#rateTimer = setTimeout(() => {
            this.#rateWaiting = false;
            this.#pump();
          }, wait);
          return;
        }
      }
      this.#head++;
      if (this.#head > 1024 && this.#head * 2 > this.#queue.length) {
        this.#queue = this.#queue.slice(this.#head);
        this.#head = 0;
      }
      if (isMessage(frame)) this.delivered++;
      if (!this.#sink.write(frame)) {
        this.#blocked = true;
        this.#sink.onDrain(() => {
          this.#blocked = false;
          this.#pump();
        });
      }
    }
  }
}
