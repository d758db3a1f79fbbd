/**
 * `npm start`: brings up the Switchyard stack. Without KAFKA_BROKERS it starts the local Kafka
 * of deploy/kafka-local (from Maven Central, on the local JDK); then it lays out the example
 * queue's topics and prints what runs and how to stop it.
 */
import { ensureLocalKafka } from '@switchyard/kafka-local';
import { createKafkajsClient, createLogger, ensureTopology, kafkaSettingsFromEnv } from '@switchyard/kafka';
import { isSwitchyardError } from '@switchyard/protocol';
import { EXAMPLE_QUEUE } from './example-queue.js';

const log = createLogger('stack');

async function main(): Promise<void> {
  let kafkaNote = `Kafka: ${process.env.KAFKA_BROKERS} (from KAFKA_BROKERS; not managed here)`;
  if (!process.env.KAFKA_BROKERS) {
    log.info('KAFKA_BROKERS is unset: starting the local Kafka (the first start fetches it from Maven Central)');
    const local = await ensureLocalKafka();
    process.env.KAFKA_BROKERS = local.bootstrap;
    kafkaNote = `Kafka: ${local.bootstrap} (local, ${local.started ? 'started now' : 'already running'}; stop it with \`npm run kafka:down\`, logs: \`npm run kafka:logs\`)`;
  }
  const settings = kafkaSettingsFromEnv();
  const admin = createKafkajsClient(settings, log).admin();
  await admin.connect();
  try {
    const report = await ensureTopology(admin, EXAMPLE_QUEUE, { partitions: 3 });
    for (const drift of report.drift) log.warn(drift, 'topology drift');
    console.log(
      [
        '',
        'Switchyard stack is up.',
        `  ${kafkaNote}`,
        `  Queue "${EXAMPLE_QUEUE.name}": ${report.created.length} topic(s) created, ${report.unchanged.length} already there, ${report.drift.length} drift(s).`,
        '',
        'Run the tests with `npm test`.',
      ].join('\n'),
    );
  } finally {
    await admin.disconnect();
  }
}

main().catch((error: unknown) => {
  if (isSwitchyardError(error)) {
    console.error(`${error.code}: ${error.message}${error.hint ? `\nFix: ${error.hint}` : ''}`);
  } else {
    console.error(error);
  }
  process.exitCode = 1;
});
