/** What a transport (SSE response, WebSocket) offers a stream client. */

/** One message to a client. `id` is the stream cursor after it (absent on control messages such as `ready`). */
export interface StreamFrame {
  readonly type: 'task.status' | 'event' | 'ready' | 'gap' | 'dropped' | 'subscribed' | 'error';
  readonly id?: string;
  readonly data: unknown;
  /** The transport's encoding of the frame, memoised per transport (a frame may go to many clients). */
  encoded?: Record<string, string>;
}

/** Why the server ends a stream. */
export type DropReason = 'slow-client' | 'rate-limited' | 'shutdown' | 'resume-failed';

export interface StreamSink {
  /** Writes a frame; false when the transport is backed up: write no more before `onDrain` fires. */
  write(frame: StreamFrame): boolean;
  /** A keep-alive that carries no message (SSE comment, WebSocket heartbeat message). */
  heartbeat(): void;
  /** Called once when a backed-up transport can take more. */
  onDrain(listener: () => void): void;
  /** Ends the transport (after a last `dropped` frame when there is a reason). */
  end(): void;
}
