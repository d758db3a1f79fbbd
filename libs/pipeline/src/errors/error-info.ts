import { isSwitchyardError } from '@switchyard/protocol';

/** Error fields as the protocol's TaskExecutionResult, DeadLetterQueueEntry and event log carry them. */
export interface ErrorInfo {
  readonly message: string;
  readonly stack?: string;
  readonly code: string;
}

/** Reads code, message and stack off anything thrown. Codes come from the error, never from text. */
export function errorInfo(error: unknown): ErrorInfo {
  if (error instanceof Error) {
    const code = isSwitchyardError(error) ? error.code : typeof (error as { code?: unknown }).code === 'string' ? String((error as unknown as { code: string }).code) : 'SY_TASK_FAILED';
    return { message: error.message, code, ...(error.stack ? { stack: error.stack } : {}) };
  }
  return { message: typeof error === 'string' ? error : JSON.stringify(error) ?? String(error), code: 'SY_TASK_FAILED' };
}
