/** How the operator engine fails: a SwitchyardError with a catalog code and a hint on what to do. */
import { SwitchyardError, type ErrorCode } from '@switchyard/protocol';

/** The catalog codes the operator engine throws (the CLI maps each to an exit code). */
export type OpsErrorCode = Extract<ErrorCode, 'SY_INVALID_ARGUMENT' | 'SY_NOTHING_MATCHED' | 'SY_OPERATION_REFUSED' | 'SY_OPERATION_INTERRUPTED' | 'SY_KAFKA_UNAVAILABLE'>;

/** A SwitchyardError of the operator engine; `hint` says what to do about it. */
export function opsError(code: OpsErrorCode, message: string, hint?: string): SwitchyardError {
  return new SwitchyardError(code, message, hint === undefined ? {} : { hint });
}
