import type { AdminPort, KafkaClient } from '@switchyard/kafka';

/** A client on the same cluster whose consumers note the consumer group each one asked for. */
export interface GroupRecordingClient {
  readonly client: KafkaClient;
  /** Group ids in the order consumers were created (one entry per consumer). */
  readonly groups: string[];
}

/**
 * Wraps a real client so a test knows exactly which consumer groups the code under test made
 * (throwaway ones carry random ids), and can check those, and only those, against the broker's
 * group list while other tests run on the same broker.
 */
export function recordGroups(client: KafkaClient): GroupRecordingClient {
  const groups: string[] = [];
  const recording: KafkaClient = {
    clientId: client.clientId,
    ...(client.settings ? { settings: client.settings } : {}),
    producer: (options) => client.producer(options),
    admin: () => client.admin(),
    consumer: (options) => {
      groups.push(options.groupId);
      return client.consumer(options);
    },
  };
  return { client: recording, groups };
}

/** Which of `groups` the broker still lists (any state). */
export async function groupsLeft(admin: AdminPort, groups: readonly string[]): Promise<string[]> {
  const listed = new Set(await admin.listGroups());
  return groups.filter((g) => listed.has(g));
}
