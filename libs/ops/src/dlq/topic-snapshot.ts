/**
 * Reads a topic from its first retained record up to the end offsets it had when the read started
 * (read_committed): `scanTopics` of libs/kafka, with the records in partition/offset order and a
 * timeout reported as a CLI failure.
 */
import { isSwitchyardError } from '@switchyard/protocol';
import { scanTopics, type IncomingRecord, type KafkaClient } from '@switchyard/kafka';
import { opsError } from '../ops-error.js';

/** Every record of `topic` up to its end offsets at start, in partition/offset order. */
export async function readTopicSnapshot(client: KafkaClient, topic: string, { timeoutMs = 60_000 } = {}): Promise<IncomingRecord[]> {
  const records: IncomingRecord[] = [];
  try {
    await scanTopics(client, [topic], (record) => void records.push(record), { timeoutMs });
  } catch (error) {
    if (isSwitchyardError(error) && error.code === 'SY_KAFKA_UNAVAILABLE') throw opsError('SY_KAFKA_UNAVAILABLE', error.message, error.hint ?? 'Check that the cluster is reachable (its address, KAFKA_BROKERS) and try again.');
    throw error;
  }
  return records.sort((a, b) => a.partition - b.partition || Number(BigInt(a.offset) - BigInt(b.offset)));
}
