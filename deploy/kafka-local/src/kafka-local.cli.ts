#!/usr/bin/env node
/**
 * `npm run kafka:up | kafka:down | kafka:status | kafka:logs`: a real Apache Kafka broker
 * from Maven Central, on the local JDK, without Docker.
 */
import { existsSync } from 'node:fs';
import { Command, Option } from 'commander';
import { ensureLocalKafka, localKafkaLogFiles, localKafkaStatus, stopLocalKafka } from './local-kafka.js';
import { printLogTails, reportCliError } from './cli-support.js';
import type { KafkaLocalOptionsInput } from './kafka-local.options.js';

interface CommonFlags {
  brokers?: string;
  port?: string;
  dataDir?: string;
  secured?: boolean | string;
  securedPort?: string;
  jvm?: string;
}

function optionsFrom(flags: CommonFlags): KafkaLocalOptionsInput {
  return { brokers: flags.brokers, port: flags.port, dataDir: flags.dataDir, secured: flags.secured, securedPort: flags.securedPort, jvm: flags.jvm } as KafkaLocalOptionsInput;
}

/** How to reach the secured broker: both listeners, the env files to load and the PEM files. */
function printSecured(secured: NonNullable<Awaited<ReturnType<typeof localKafkaStatus>>['secured']>): void {
  const { files, connections } = secured;
  console.log(`SCRAM-SHA-512 over TLS: ${connections.scramTls.KAFKA_BROKERS} as user ${connections.scramTls.KAFKA_SASL_USERNAME}; settings in ${files.scramEnv}`);
  console.log(`mutual TLS:             ${connections.mutualTls.KAFKA_BROKERS}; settings in ${files.mtlsEnv}`);
  console.log(`CA ${files.caCert}, client certificate ${files.clientCert}, client key ${files.clientKey}, SCRAM password in ${files.password}`);
  console.log(`Load one with: set -a; . ${files.scramEnv}; set +a`);
}

function withCommon(command: Command): Command {
  return command
    .addOption(new Option('--brokers <n>', '1, or 3 for a replicated cluster (RF 3, min ISR 2)').env('KAFKA_LOCAL_BROKERS'))
    .addOption(new Option('--port <port>', 'client port of broker 1 (default 9092)').env('KAFKA_LOCAL_PORT'))
    .addOption(new Option('--data-dir <dir>', 'data, logs and pids (default .data/kafka)').env('KAFKA_LOCAL_DATA_DIR'))
    // No .env(): commander would take KAFKA_LOCAL_SECURED=0 as the flag; the options read it themselves.
    .addOption(new Option('--secured', 'the secured broker: SCRAM-SHA-512 over TLS and mutual TLS, own ports and data (KAFKA_LOCAL_SECURED=1)'))
    .addOption(new Option('--secured-port <port>', 'SASL_SSL port of the secured broker; mutual TLS one above (default 9192)').env('KAFKA_LOCAL_SECURED_PORT'))
    .addOption(new Option('--jvm <profile>', "'server' (C2 JIT, the default) or 'short-lived' (C1 only: less CPU for a broker that runs minutes)").env('KAFKA_LOCAL_JVM'));
}

const program = new Command('kafka-local')
  .description('A real Apache Kafka (KRaft) from Maven Central on the local JDK, without Docker.')
  .addHelpText('after', '\nEnvironment: KAFKA_LOCAL_PORT, KAFKA_LOCAL_BROKERS, KAFKA_LOCAL_DATA_DIR, KAFKA_LOCAL_HEAP, KAFKA_LOCAL_JVM, KAFKA_LOCAL_START_TIMEOUT_MS, KAFKA_LOCAL_SECURED, KAFKA_LOCAL_SECURED_PORT, KAFKA_LOCAL_ADVERTISED_PORT_SHIFT, JAVA_HOME.');

withCommon(program.command('up').description('start the broker(s) unless running; wait until they answer')).action(async (flags: CommonFlags) => {
  const handle = await ensureLocalKafka(optionsFrom(flags));
  console.log(handle.started ? `Kafka is up at ${handle.bootstrap}` : `Kafka was already up at ${handle.bootstrap}`);
  if (handle.options.secured) {
    const status = await localKafkaStatus(handle.options);
    if (status.secured) printSecured(status.secured);
    console.log('Stop it with `npm run kafka:down -- --secured`.');
    return;
  }
  console.log(`Use it with KAFKA_BROKERS=${handle.bootstrap}; stop it with \`npm run kafka:down\`.`);
});

withCommon(program.command('down').description('stop the broker(s) with a controlled shutdown'))
  .option('--wipe', 'also delete the cluster data')
  .action(async (flags: CommonFlags & { wipe?: boolean }) => {
    const stopped = await stopLocalKafka(optionsFrom(flags), { wipe: Boolean(flags.wipe) });
    console.log(stopped > 0 ? `Stopped ${stopped} Kafka node(s).` : 'Kafka was not running.');
  });

withCommon(program.command('status').description('show the nodes; exit 0 when up, 3 when down')).action(async (flags: CommonFlags) => {
  const status = await localKafkaStatus(optionsFrom(flags));
  for (const node of status.nodes) {
    console.log(`node ${node.nodeId}  port ${node.port}  ${node.pid ? `running (pid ${node.pid})` : 'stopped'}  log ${node.log}`);
  }
  console.log(status.up ? `Kafka is up at ${status.bootstrap}` : `Kafka is down (${status.brokersAnswering} broker(s) answering)`);
  if (status.secured) printSecured(status.secured);
  process.exitCode = status.up ? 0 : 3;
});

withCommon(program.command('logs').description('print the tail of each node log'))
  .option('-n, --lines <n>', 'lines per node', '100')
  .option('-f, --follow', 'keep printing new lines')
  .action(async (flags: CommonFlags & { lines: string; follow?: boolean }) => {
    const files = localKafkaLogFiles(optionsFrom(flags)).filter((file) => existsSync(file));
    if (files.length === 0) {
      console.log('No Kafka log yet: start it with `npm run kafka:up`.');
      return;
    }
    await printLogTails(files, flags.lines, Boolean(flags.follow));
  });

program.parseAsync().catch(reportCliError);
