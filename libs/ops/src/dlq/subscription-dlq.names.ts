/**
 * Names the CLI owns for a subscription's dead letters. The DLQs themselves
 * (`events.<domain>.dlq.<subscription>`) and the replay topic come from the libs/kafka catalog;
 * the marker topic and the transactional id are the CLI's own, like `tasks.<queue>.dlq-redriven`
 * and `switchyard-cli.dlq.<queue>` for a queue. They belong in the catalog once another service
 * needs them (libs/kafka is not the CLI's to change).
 */
import { TOPIC_PREFIX } from '@switchyard/kafka';

/**
 * `switchyard.subscription.<subscription>.dlq-redriven`: what `dlq redrive/purge --subscription`
 * did, for every DLQ of the subscription (one topic per subscription, keyed by
 * `<dlq topic>/<partition>/<offset>`). It sits with the subscription's other own topics
 * (`switchyard.subscription.<sub>.retry.<tier>`, `.replay`); `parseSubscriptionTopic` does not
 * know it, so the runtime never mistakes it for one of its own.
 */
export function subscriptionDlqRedrivenTopic(subscription: string): string {
  return `${TOPIC_PREFIX.switchyard}.subscription.${subscription}.dlq-redriven`;
}

/** Transactional id of redrive/purge for one subscription (a queue's is `switchyard-cli.dlq.<queue>`; queue names have no dots). */
export function subscriptionDlqTransactionalId(subscription: string): string {
  return `switchyard-cli.dlq.subscription.${subscription}`;
}
