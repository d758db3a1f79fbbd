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

/**
 * The transactional id of a replay's writer lane (writer-lanes.ts): a rerun fences (and aborts)
 * the same lane of an interrupted run. Lane 0 keeps the id of the single-producer replays before
 * lanes, so a rerun fences those too.
 */
export function replayTransactionalId(replayId: string, lane = 0): string {
  return lane === 0 ? replayGroup(replayId) : `${replayGroup(replayId)}.lane-${lane}`;
}
