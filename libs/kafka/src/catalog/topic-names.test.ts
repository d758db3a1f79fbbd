import { describe, expect, it } from 'vitest';
import { eventDlqTopic, eventDomain, eventLaneTopic, eventTopic, LANES, laneFetchRank, laneTopic, laneTopics, parseTaskTopic, RETRY_TIERS, retryTopic, stateTopic, taskDlqTopic, taskStatusTopic } from './topic-names.js';

describe('topic catalog', () => {
  it('orders lanes from most to least urgent', () => {
    expect(LANES).toEqual(['critical', 'high', 'normal', 'low', 'background']);
    expect(laneTopics('emails')).toEqual([
      'tasks.emails.critical',
      'tasks.emails.high',
      'tasks.emails.normal',
      'tasks.emails.low',
      'tasks.emails.background',
    ]);
  });

  it('names retry, DLQ, status, event and state topics', () => {
    expect(retryTopic('emails', RETRY_TIERS[1]!)).toBe('tasks.emails.retry.5s');
    expect(taskDlqTopic('emails')).toBe('tasks.emails.dlq');
    expect(taskStatusTopic('emails')).toBe('tasks.emails.status');
    expect(eventDomain('user.profile.updated')).toBe('user');
    expect(eventTopic('user.created')).toBe('events.user');
    expect(eventDlqTopic('user.created', 'mailer')).toBe('events.user.dlq.mailer');
    expect(stateTopic('schedules')).toBe('switchyard.state.schedules');
  });

  it('keeps retry tiers sorted by delay, each a distinct topic', () => {
    const delays = RETRY_TIERS.map((t) => t.delayMs);
    expect(delays).toEqual([...delays].sort((a, b) => a - b));
    expect(new Set(RETRY_TIERS.map((t) => t.name)).size).toBe(RETRY_TIERS.length);
  });

  it('parses its own names back and rejects foreign ones', () => {
    expect(parseTaskTopic(laneTopic('q1', 'low'))).toEqual({ kind: 'lane', queue: 'q1', lane: 'low' });
    expect(parseTaskTopic(retryTopic('q1', '30s'))).toEqual({ kind: 'retry', queue: 'q1', tier: '30s' });
    expect(parseTaskTopic(taskDlqTopic('q1'))).toEqual({ kind: 'dlq', queue: 'q1' });
    expect(parseTaskTopic(taskStatusTopic('q1'))).toEqual({ kind: 'status', queue: 'q1' });
    expect(parseTaskTopic('tasks.q1.urgent')).toBeUndefined();
    expect(parseTaskTopic('orders')).toBeUndefined();
  });
});

describe('laneFetchRank', () => {
  it('ranks task lanes most urgent first, delay tiers with high, event lanes by lane, the rest with normal', () => {
    expect(LANES.map((lane) => laneFetchRank(laneTopic('q', lane)))).toEqual([0, 1, 2, 3, 4]);
    expect(laneFetchRank(retryTopic('q', RETRY_TIERS[0]!))).toBe(1);
    expect(laneFetchRank(eventLaneTopic('orders', 'critical'))).toBe(0);
    expect(laneFetchRank(eventLaneTopic('orders', 'background'))).toBe(4);
    expect(laneFetchRank(eventTopic('orders'))).toBe(2);
    expect(laneFetchRank('somebody.elses.topic')).toBe(2);
  });
});
