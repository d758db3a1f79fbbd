/**
 * A TCP proxy for network-fault tests (issue 11, fault suite): clients connect to the proxy, the
 * proxy connects to the target and pipes both ways. While it runs, a test can
 *  - add latency to every chunk in both directions (`setLatency`), order kept per direction;
 *  - stall (`hold`): nothing is forwarded and new connections wait, until `release`;
 *  - drop every open connection with a clean close (`dropAll`, FIN) or a reset (`resetAll`, RST);
 *  - refuse new connections for a while (`refuse`), as a dead host would;
 *  - lose the answer to the next Kafka request of one API (`loseAnswerTo`): the request reaches the
 *    broker, its answer is dropped and the connection reset, so the client cannot know the outcome.
 * It counts clients' Kafka requests per API key (`requestsOf`): received, and forwarded to the
 * target (what reached the broker; a request held, then dropped with its connection, never is).
 * A broker reached through it must advertise the proxy's address (deploy/kafka-local's
 * `advertisedPortShift`), or clients would go around it after the first metadata answer.
 */
import net from 'node:net';

export interface TcpProxyCounts {
  /** Client connections accepted so far. */
  readonly accepted: number;
  /** Client connections refused (while `refuse` was on). */
  readonly refused: number;
  /** Answers dropped by {@link TcpProxy.loseAnswerTo}. */
  readonly lostAnswers: number;
  /** Connections open now. */
  readonly open: number;
}

/** Kafka's request framing: a request's size (int32, the bytes after it), then its API key (int16). */
const REQUEST_HEAD = 6;

/**
 * Reads a client's byte stream as Kafka requests, across chunk boundaries (a chunk may hold part of
 * a request, or several): calls `onRequest` with the API key of each request as its head arrives.
 */
export function kafkaRequestReader(onRequest: (apiKey: number) => void): (chunk: Buffer) => void {
  let head = Buffer.alloc(0);
  // Bytes of the current request still to come after its head.
  let rest = 0;
  return (chunk) => {
    let at = 0;
    while (at < chunk.length) {
      if (rest > 0) {
        const skip = Math.min(rest, chunk.length - at);
        rest -= skip;
        at += skip;
        continue;
      }
      const take = Math.min(REQUEST_HEAD - head.length, chunk.length - at);
      head = Buffer.concat([head, chunk.subarray(at, at + take)]);
      at += take;
      if (head.length < REQUEST_HEAD) return;
      rest = Math.max(0, head.readInt32BE(0) - 2);
      onRequest(head.readInt16BE(4));
      head = Buffer.alloc(0);
    }
  };
}

/** Kafka requests of one API the proxy got from clients, and the share of them it passed on to the target. */
export interface KafkaRequestCounts {
  readonly received: number;
  readonly forwarded: number;
}

interface Pair {
  readonly client: net.Socket;
  readonly upstream: net.Socket;
}

export class TcpProxy {
  readonly #server: net.Server;
  readonly #pairs = new Set<Pair>();
  readonly #held: (() => void)[] = [];
  #latencyMs = 0;
  #holding = false;
  #refusing = false;
  #accepted = 0;
  #refused = 0;
  /** The Kafka API key whose next request's answer is lost (see loseAnswerTo). */
  #loseAnswerTo: number | undefined;
  #lostAnswers = 0;
  /** Requests received from clients and forwarded to the target, per Kafka API key. */
  readonly #requests = new Map<number, { received: number; forwarded: number }>();

  private constructor(
    readonly port: number,
    readonly target: { readonly host: string; readonly port: number },
    server: net.Server,
  ) {
    this.#server = server;
  }

  /** Listens on 127.0.0.1:`port` (0: any free port) and forwards to `target`. */
  static async start(target: { host?: string; port: number }, port = 0): Promise<TcpProxy> {
    const server = net.createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    const proxy = new TcpProxy((server.address() as net.AddressInfo).port, { host: target.host ?? '127.0.0.1', port: target.port }, server);
    server.on('connection', (client) => proxy.#accept(client));
    return proxy;
  }

  get counts(): TcpProxyCounts {
    return { accepted: this.#accepted, refused: this.#refused, open: this.#pairs.size, lostAnswers: this.#lostAnswers };
  }

  /**
   * How many Kafka requests of API `apiKey` (e.g. 22, InitProducerId; 26, EndTxn) clients sent
   * the proxy so far (`received`), and how many of them it wrote to the target (`forwarded`: after
   * the latency, once released; a request dropped with its connection while held never is).
   */
  requestsOf(apiKey: number): KafkaRequestCounts {
    const { received, forwarded } = this.#requests.get(apiKey) ?? { received: 0, forwarded: 0 };
    return { received, forwarded };
  }

  #requestCount(apiKey: number): { received: number; forwarded: number } {
    let count = this.#requests.get(apiKey);
    if (!count) this.#requests.set(apiKey, (count = { received: 0, forwarded: 0 }));
    return count;
  }

  /** Delays every chunk by `ms` in both directions (0: none). */
  setLatency(ms: number): void {
    this.#latencyMs = ms;
  }

  /** Stops forwarding (open connections stall, new ones wait) until {@link release}. */
  hold(): void {
    this.#holding = true;
  }

  /** Forwards what waited, in order, and everything after. */
  release(): void {
    this.#holding = false;
    for (const resume of this.#held.splice(0)) resume();
  }

  /** While on, new connections are closed at once (resets), as by a host with nothing listening. */
  refuse(on: boolean): void {
    this.#refusing = on;
  }

  /**
   * Once: the next request of Kafka API `apiKey` (e.g. 26, EndTxn) a client sends goes to the
   * broker, and the broker's next bytes on that connection (its answer) are dropped and the
   * connection reset.
   */
  loseAnswerTo(apiKey: number): void {
    this.#loseAnswerTo = apiKey;
  }

  /** Closes every open connection cleanly (FIN both ways); returns how many. */
  dropAll(): number {
    return this.#closeAll((s) => s.destroySoon());
  }

  /** Resets every open connection (RST both ways); returns how many. */
  resetAll(): number {
    return this.#closeAll((s) => s.resetAndDestroy());
  }

  async close(): Promise<void> {
    this.release();
    this.resetAll();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  #closeAll(close: (socket: net.Socket) => void): number {
    const pairs = [...this.#pairs];
    this.#pairs.clear();
    for (const { client, upstream } of pairs) {
      close(client);
      close(upstream);
    }
    return pairs.length;
  }

  #accept(client: net.Socket): void {
    if (this.#refusing) {
      this.#refused++;
      client.resetAndDestroy();
      return;
    }
    this.#accepted++;
    client.pause();
    const upstream = net.connect(this.target.port, this.target.host);
    const pair = { client, upstream };
    this.#pairs.add(pair);
    const end = () => {
      this.#pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
    // Set when this connection carried the request whose answer is lost.
    let loseNextAnswer = false;
    upstream.once('connect', () => {
      const received = kafkaRequestReader((apiKey) => this.#requestCount(apiKey).received++);
      const forwarded = kafkaRequestReader((apiKey) => {
        this.#requestCount(apiKey).forwarded++;
        if (this.#loseAnswerTo === apiKey) {
          this.#loseAnswerTo = undefined;
          loseNextAnswer = true;
        }
      });
      this.#pipe(
        client,
        upstream,
        (chunk) => {
          received(chunk);
          return true;
        },
        forwarded,
      );
      this.#pipe(upstream, client, () => {
        if (!loseNextAnswer) return true;
        loseNextAnswer = false;
        this.#lostAnswers++;
        this.#pairs.delete(pair);
        client.resetAndDestroy();
        upstream.resetAndDestroy();
        return false;
      });
    });
  }

  /**
   * Forwards `from` -> `to`, each chunk after the latency and only while not held; order kept.
   * `pass` sees each chunk as it arrives (false drops it), `forwarded` as it is written to `to`.
   */
  #pipe(from: net.Socket, to: net.Socket, pass: (chunk: Buffer) => boolean, forwarded?: (chunk: Buffer) => void): void {
    let chain = Promise.resolve();
    from.on('data', (chunk: Buffer) => {
      if (!pass(chunk)) return;
      const due = Date.now() + this.#latencyMs;
      chain = chain.then(async () => {
        const wait = due - Date.now();
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
        if (this.#holding) await new Promise<void>((resolve) => this.#held.push(resolve));
        if (to.destroyed) return;
        to.write(chunk);
        forwarded?.(chunk);
      });
    });
    from.on('end', () => void chain.then(() => to.end()));
    from.resume();
  }
}
