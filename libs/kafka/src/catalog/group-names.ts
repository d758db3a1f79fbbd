/** Consumer-group names (STYLE.md #3). */

/**
 * What a throwaway group is for. kafkajs cannot fetch without a consumer group, so one-off reads
 * (a topic to its end, the cancel topics of one worker process, one task's status) run under a
 * group of their own that never commits and is deleted when its consumer disconnects
 * (`throwawayConsumer`).
 */
export type ThrowawayGroupPurpose = 'scan' | 'cancel-watch' | 'status-reader';

/** A throwaway group: `switchyard.<purpose>.<id>` (id: a fresh UUID per consumer). */
export function throwawayGroup(purpose: ThrowawayGroupPurpose, id: string): string {
  return `switchyard.${purpose}.${id}`;
}

/** The group of every worker process serving the same WorkerConfig.name: all lanes of its queues. */
export function workerGroup(workerName: string): string {
  return `switchyard.worker.${workerName}`;
}

/** The group relaying one retry tier of one queue back to its lanes. */
export function retryRelayGroup(queue: string, tier: string): string {
  return `switchyard.retry.${queue}.${tier}`;
}

/** One event-bus subscription: every process of it shares the partitions. */
export function subscriptionGroup(subscription: string): string {
  return `switchyard.events.${subscription}`;
}

/** The group holding a replay's progress (committed in its copy transactions); also its transactional id. */
export function replayGroup(replayId: string): string {
  return `switchyard.replay.${replayId}`;
}

/** One event route (consume-transform-publish): also its transactional id prefix. */
export function routeGroup(routeId: string): string {
  return `switchyard.route.${routeId}`;
}

/** Every process of one scheduler: partition N of its jobs topic is owned by one member. */
export function schedulerGroup(scheduler: string): string {
  return `switchyard.scheduler.${scheduler}`;
}

/** Transactional id of the owner of jobs partition `partition`: a new owner fences the old one. */
export function schedulerTransactionalId(scheduler: string, partition: number): string {
  return `switchyard.scheduler.${scheduler}.${partition}`;
}

/** The scheduler's follower of task status topics (writes the job log's outcomes). */
export function schedulerFollowGroup(scheduler: string): string {
  return `switchyard.scheduler.${scheduler}.follow`;
}
