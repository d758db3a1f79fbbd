import { replayGroup, TASK_HEADERS } from '@switchyard/kafka';

/** Replay names come from the catalog in libs/kafka (STYLE.md #3). */
export { REPLAY_HEADERS, replayGroup } from '@switchyard/kafka';

/** Headers the record filters read (Switchyard task headers, then CloudEvents binary mode). */
export const FILTER_HEADERS = Object.freeze({
  taskType: TASK_HEADERS.taskType,
  eventType: 'ce_type',
  tenant: TASK_HEADERS.tenant,
  eventTenant: 'ce_tenantid',
});

/** The transactional id of a replay's producer: a rerun fences (and aborts) an interrupted one. */
export function replayTransactionalId(replayId: string): string {
  return replayGroup(replayId);
}
