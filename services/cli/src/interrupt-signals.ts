import { EXIT } from './exit-codes.js';

/** An AbortSignal the engine's long operations take, aborted by the process's signals. */
export interface SignalInterrupt {
  readonly signal: AbortSignal;
  /** Stops listening to the process's signals. */
  dispose(): void;
}

/**
 * SIGINT/SIGTERM abort the returned signal: the engine stops after the transaction or chunk in
 * flight and fails with SY_OPERATION_INTERRUPTED (exit 130). A second signal exits at once.
 */
export function interruptOnSignals(): SignalInterrupt {
  const controller = new AbortController();
  const onSignal = () => {
    if (controller.signal.aborted) process.exit(EXIT.interrupted);
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    signal: controller.signal,
    dispose: () => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}

/** Runs `work` with an interrupt wired to the process's signals, disposed whatever happens. */
export async function withInterrupt<T>(work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const interrupt = interruptOnSignals();
  try {
    return await work(interrupt.signal);
  } finally {
    interrupt.dispose();
  }
}
