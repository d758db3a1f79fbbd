import type { StreamFrame, StreamSink } from '@switchyard/realtime';

/**
 * Long polling: collects the frames of one poll and settles on the first message (after the
 * current turn, so what came in the same batch goes along), on a `dropped` frame, or when the
 * poll's time is up.
 */
export class LongPollSink implements StreamSink {
  readonly frames: StreamFrame[] = [];
  readonly #settle: () => void;
  #scheduled = false;

  constructor(settle: () => void) {
    this.#settle = settle;
  }

  write(frame: StreamFrame): boolean {
    if (frame.type === 'ready') return true;
    this.frames.push(frame);
    if (!this.#scheduled) {
      this.#scheduled = true;
      setImmediate(this.#settle);
    }
    return true;
  }

  heartbeat(): void {}

  onDrain(listener: () => void): void {
    setImmediate(listener);
  }

  end(): void {
    setImmediate(this.#settle);
  }
}
