import { describe, expect, it } from 'vitest';
import { domainOf, isSubscriptionName, startedSubscriptionsIn, subscriptionDlqTopicsIn, subscriptionsIn } from './subscription-topics.js';

const TOPICS = [
  'events.user.dlq.mailer',
  'events.order.dlq.mailer',
  'events.user.dlq.mailer-2',
  'events.user.dlq.crm',
  'events.user',
  'events.user.high',
  'tasks.mailer.dlq',
  'switchyard.subscription.mailer.replay',
];

describe('subscriptionDlqTopicsIn', () => {
  it("finds every domain's DLQ of the subscription, sorted, and nothing of a subscription with a longer name", () => {
    expect(subscriptionDlqTopicsIn(TOPICS, 'mailer')).toEqual(['events.order.dlq.mailer', 'events.user.dlq.mailer']);
  });

  it('narrows to one domain', () => {
    expect(subscriptionDlqTopicsIn(TOPICS, 'mailer', 'user')).toEqual(['events.user.dlq.mailer']);
    expect(subscriptionDlqTopicsIn(TOPICS, 'mailer', 'billing')).toEqual([]);
  });
});

describe('subscriptionsIn', () => {
  it('names the subscriptions that have a DLQ', () => expect(subscriptionsIn(TOPICS)).toEqual(['crm', 'mailer', 'mailer-2']));
});

describe('startedSubscriptionsIn', () => {
  it('names the subscriptions that have a replay topic', () => expect(startedSubscriptionsIn(TOPICS)).toEqual(['mailer']));
});

describe('domainOf', () => {
  it('reads the domain of event topics only', () => {
    expect(domainOf('events.user.dlq.mailer')).toBe('user');
    expect(domainOf('events.order')).toBe('order');
    expect(domainOf('tasks.user.dlq')).toBeUndefined();
  });
});

describe('isSubscriptionName', () => {
  it.each(['mailer', 'crm-sync', 'a_1'])('accepts %s', (name) => expect(isSubscriptionName(name)).toBe(true));
  it.each(['', 'Mailer', 'a.b', '1abc', 'a b'])('refuses %j (names become topic segments)', (name) => expect(isSubscriptionName(name)).toBe(false));
});
