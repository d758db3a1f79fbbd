import type { RetryTier } from '@switchyard/kafka';
import type { ErrorInfo } from '@switchyard/pipeline';
import type { CompiledHandler } from './event-handler.js';

/** How one handler ended for one event (`parked`: it did not run; it waits behind an earlier event of its key). */
export interface HandlerOutcome {
  readonly handler: CompiledHandler;
  readonly status: 'success' | 'failed' | 'timeout' | 'parked';
  readonly attempt: number;
  readonly durationMs: number;
  readonly error?: ErrorInfo;
  /** Set when the handler is retried later through a retry topic. */
  readonly retry?: { readonly notBefore: number; readonly tier: RetryTier };
  readonly dead?: boolean;
  readonly parked?: { readonly notBefore: number; readonly tier: RetryTier; readonly behind: string };
}
