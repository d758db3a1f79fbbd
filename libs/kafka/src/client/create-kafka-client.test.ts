import { describe, expect, it } from 'vitest';
import { SwitchyardError } from '@switchyard/protocol';
import { createKafkaClient, registeredKafkaClients } from './create-kafka-client.js';
import { KAFKA_CLIENTS, kafkaSettingsFromEnv } from './kafka.options.js';

describe('createKafkaClient', () => {
  it('registers an adapter for every KAFKA_CLIENTS name', () => {
    expect(registeredKafkaClients()).toEqual([...KAFKA_CLIENTS]);
  });

  it('refuses KAFKA_GROUP_PROTOCOL=consumer for kafkajs before connecting (only platformatic speaks KIP-848)', () => {
    const settings = kafkaSettingsFromEnv({ KAFKA_BROKERS: '127.0.0.1:1', KAFKA_CLIENT: 'kafkajs', KAFKA_GROUP_PROTOCOL: 'consumer' });
    const refusal = (() => {
      try {
        createKafkaClient(settings);
      } catch (error) {
        return error;
      }
      return undefined;
    })();
    expect(refusal).toBeInstanceOf(SwitchyardError);
    expect(refusal).toMatchObject({ code: 'SY_INVALID_ENV', hint: 'Unset KAFKA_GROUP_PROTOCOL or set it to classic.' });
    expect((refusal as Error).message).toBe('KAFKA_GROUP_PROTOCOL=consumer: the kafkajs client speaks only the classic group protocol (only platformatic does).');
  });

  it('builds the platformatic client with KAFKA_GROUP_PROTOCOL=consumer', () => {
    const settings = kafkaSettingsFromEnv({ KAFKA_BROKERS: '127.0.0.1:1', KAFKA_CLIENT: 'platformatic', KAFKA_GROUP_PROTOCOL: 'consumer' });
    expect(() => createKafkaClient(settings)).not.toThrow();
  });
});
