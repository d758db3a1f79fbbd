import type { ServerResponse } from 'node:http';
import type { StreamFrame, StreamSink } from '@switchyard/realtime';

/** A frame as a Server-Sent Event: `id` (the Kafka position), `event` (its type), one `data` line of JSON. */
export function sseText(frame: StreamFrame): string {
  const encoded = (frame.encoded ??= {});
  return (encoded.sse ??= `${frame.id === undefined ? '' : `id: ${frame.id}\n`}event: ${frame.type}\ndata: ${JSON.stringify(frame.data)}\n\n`);
}

/** Server-Sent Events over an HTTP response; the response's own write buffer is the backpressure signal. */
export class SseSink implements StreamSink {
  readonly #response: ServerResponse;

  constructor(response: ServerResponse) {
    this.#response = response;
  }

  write(frame: StreamFrame): boolean {
    if (this.#response.writableEnded || this.#response.destroyed) return true;
    return this.#response.write(sseText(frame));
  }

  heartbeat(): void {
    if (!this.#response.writableEnded) this.#response.write(`: heartbeat ${new Date().toISOString()}\n\n`);
  }

  onDrain(listener: () => void): void {
    this.#response.once('drain', listener);
  }

  end(): void {
    if (!this.#response.writableEnded) this.#response.end();
  }
}
