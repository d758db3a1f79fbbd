import type { ProducerPort, TopicRecords } from '../client/kafka-client.port.js';

/** What the committers do: a batch whose transaction failed goes into the next one, until one commits. */
export async function writeUntilCommitted(producer: ProducerPort, batch: readonly TopicRecords[], failures: unknown[]): Promise<void> {
  for (;;) {
    let tx: Awaited<ReturnType<ProducerPort['transaction']>> | undefined;
    try {
      tx = await producer.transaction();
      await tx.send(batch);
      await tx.commit();
      return;
    } catch (error) {
      failures.push(error);
      await tx?.abort().catch(() => undefined);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}
