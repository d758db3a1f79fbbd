import { describe, expect, it } from 'vitest';
import { isSwitchyardError } from '@switchyard/protocol';
import { queueDlqTopic } from './topic-names.js';

function refusal(deadLetterQueue: string): string {
  try {
    queueDlqTopic({ name: 'emails', deadLetterQueue });
  } catch (error) {
    expect(isSwitchyardError(error) && error.code).toBe('SY_INVALID_CONFIG');
    return (error as Error).message;
  }
  return 'accepted';
}

describe('queueDlqTopic (QueueConfig.deadLetterQueue)', () => {
  it('is tasks.<queue>.dlq without a name, and the named topic with one', () => {
    expect(queueDlqTopic({ name: 'emails' })).toBe('tasks.emails.dlq');
    expect(queueDlqTopic({ name: 'emails', deadLetterQueue: 'emails-dead_letters.v2' })).toBe('emails-dead_letters.v2');
    expect(queueDlqTopic({ name: 'emails', deadLetterQueue: 'tasks.emails.dlq' })).toBe('tasks.emails.dlq');
  });

  it('refuses what is not a Kafka topic name, internal names and Switchyard topics, naming the field', () => {
    expect(refusal('emails dead letters')).toContain('QueueConfig.deadLetterQueue of queue "emails": "emails dead letters" is not a valid Kafka topic name');
    expect(refusal('')).toContain('is not a valid Kafka topic name');
    expect(refusal('..')).toContain('is not a valid Kafka topic name');
    expect(refusal('x'.repeat(250))).toContain('is not a valid Kafka topic name');
    expect(refusal('__consumer_offsets')).toContain('internal');
    expect(refusal('tasks.emails.normal')).toContain('reserved for Switchyard topics');
    expect(refusal('tasks.other.dlq')).toContain("under tasks.* only the queue's own tasks.emails.dlq");
    expect(refusal('events.user.dlq.crm')).toContain('reserved for Switchyard topics');
    expect(refusal('switchyard.event-log')).toContain('reserved for Switchyard topics');
  });
});
