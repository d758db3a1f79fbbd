import { Counter, Gauge, Registry } from 'prom-client';
import { METRICS } from '@switchyard/kafka';

/** Prometheus metrics of a realtime hub (names from the catalog); the gateway serves them on /metrics. */
export class RealtimeMetrics {
  readonly registry: Registry;
  readonly connections: Counter<'resumed'>;
  readonly drops: Counter<'reason'>;
  readonly records: Counter;
  #clients: () => number = () => 0;

  constructor(registry: Registry = new Registry()) {
    this.registry = registry;
    const clients = (): number => this.#clients();
    new Gauge({
      name: METRICS.realtimeClients,
      help: 'Browser streams (SSE, WebSocket, long polls) attached to this instance',
      registers: [registry],
      collect() {
        this.set(clients());
      },
    });
    this.connections = new Counter({ name: METRICS.realtimeConnections, help: 'Streams attached; resumed ones came back with a Last-Event-ID', labelNames: ['resumed'], registers: [registry] });
    this.drops = new Counter({ name: METRICS.realtimeDrops, help: 'Streams the hub dropped, by reason (a slow client, over its rate limit, a failed resume, shutdown)', labelNames: ['reason'], registers: [registry] });
    this.records = new Counter({ name: METRICS.realtimeRecords, help: 'Records the live reader handed to the clients (task status changes and events)', registers: [registry] });
  }

  /** Where the clients gauge reads its value (the hub's client count). */
  countClientsWith(count: () => number): void {
    this.#clients = count;
  }
}
