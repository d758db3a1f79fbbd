import type { WebSocket } from 'ws';
import type { StreamFrame, StreamSink } from '@switchyard/realtime';

/** Bytes the socket may hold unsent before the stream counts as backed up. */
const HIGH_WATER_BYTES = 256 * 1024;
/** How often a backed-up socket is checked for room (ws has no drain event). */
const DRAIN_POLL_MS = 20;

/** A frame as a WebSocket text message: `{type, id?, data}`. */
export function wsText(frame: StreamFrame): string {
  const encoded = (frame.encoded ??= {});
  return (encoded.ws ??= JSON.stringify(frame.id === undefined ? { type: frame.type, data: frame.data } : { type: frame.type, id: frame.id, data: frame.data }));
}

/** Close code of a stream the server ended (a reason is in the last `dropped` message). */
export const WS_DROPPED_CLOSE_CODE = 4000;

/** A WebSocket; its buffered amount is the backpressure signal. */
export class WebSocketSink implements StreamSink {
  readonly #socket: WebSocket;

  constructor(socket: WebSocket) {
    this.#socket = socket;
  }

  write(frame: StreamFrame): boolean {
    if (this.#socket.readyState !== this.#socket.OPEN) return true;
    this.#socket.send(wsText(frame));
    return this.#socket.bufferedAmount < HIGH_WATER_BYTES;
  }

  heartbeat(): void {
    if (this.#socket.readyState === this.#socket.OPEN) this.#socket.send(JSON.stringify({ type: 'heartbeat', data: { time: new Date().toISOString() } }));
  }

  onDrain(listener: () => void): void {
    const timer = setInterval(() => {
      if (this.#socket.readyState !== this.#socket.OPEN || this.#socket.bufferedAmount < HIGH_WATER_BYTES / 2) {
        clearInterval(timer);
        listener();
      }
    }, DRAIN_POLL_MS);
    timer.unref();
  }

  end(): void {
    if (this.#socket.readyState === this.#socket.OPEN) this.#socket.close(WS_DROPPED_CLOSE_CODE, 'stream ended by the server (see the dropped message)');
  }
}
