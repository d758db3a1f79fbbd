#!/usr/bin/env node
/**
 * `npm run schema-registry:up | schema-registry:down | schema-registry:status | schema-registry:logs`:
 * a real Confluent-compatible schema registry (Apicurio Registry from Maven Central) on the local
 * JDK, without Docker.
 */
import { existsSync } from 'node:fs';
import { Command, Option } from 'commander';
import { printLogTails, reportCliError } from '@switchyard/kafka-local';
import {
  ensureLocalSchemaRegistry,
  localSchemaRegistryLogFile,
  localSchemaRegistryStatus,
  stopLocalSchemaRegistry,
} from './local-schema-registry.js';
import type { SchemaRegistryLocalOptionsInput } from './schema-registry.options.js';

interface CommonFlags {
  port?: string;
  dataDir?: string;
}

function optionsFrom(flags: CommonFlags): SchemaRegistryLocalOptionsInput {
  return { port: flags.port, dataDir: flags.dataDir } as SchemaRegistryLocalOptionsInput;
}

function withCommon(command: Command): Command {
  return command
    .addOption(new Option('--port <port>', 'HTTP port on 127.0.0.1 (default 8081)').env('SCHEMA_REGISTRY_LOCAL_PORT'))
    .addOption(new Option('--data-dir <dir>', 'build cache, pid and log (default .data/schema-registry)').env('SCHEMA_REGISTRY_LOCAL_DATA_DIR'));
}

const program = new Command('schema-registry-local')
  .description('A real Confluent-compatible schema registry (Apicurio Registry from Maven Central) on the local JDK, without Docker.')
  .addHelpText(
    'after',
    '\nEnvironment: SCHEMA_REGISTRY_LOCAL_PORT, SCHEMA_REGISTRY_LOCAL_DATA_DIR, SCHEMA_REGISTRY_LOCAL_HEAP, SCHEMA_REGISTRY_LOCAL_START_TIMEOUT_MS, JAVA_HOME.',
  );

withCommon(program.command('up').description('build on first use, start unless running, wait until GET /subjects answers')).action(
  async (flags: CommonFlags) => {
    const started = Date.now();
    const handle = await ensureLocalSchemaRegistry(optionsFrom(flags));
    const took = `${((Date.now() - started) / 1000).toFixed(1)} s${handle.built ? ', including the one-time Maven build' : ''}`;
    console.log(handle.started ? `Schema registry is up at ${handle.url} (${took})` : `Schema registry was already up at ${handle.url}`);
    console.log(`Confluent-compatible API: ${handle.url}; stop it with \`npm run schema-registry:down\`.`);
  },
);

withCommon(program.command('down').description('stop the registry (its in-memory data goes with it)'))
  .option('--wipe', 'also delete the data dir (build cache and log): the next up rebuilds')
  .action(async (flags: CommonFlags & { wipe?: boolean }) => {
    const stopped = await stopLocalSchemaRegistry(optionsFrom(flags), { wipe: Boolean(flags.wipe) });
    console.log(stopped ? 'Stopped the schema registry.' : 'The schema registry was not running.');
  });

withCommon(program.command('status').description('show the process; exit 0 when up, 3 when down')).action(async (flags: CommonFlags) => {
  const status = await localSchemaRegistryStatus(optionsFrom(flags));
  console.log(`port ${status.options.port}  ${status.pid ? `running (pid ${status.pid})` : 'stopped'}  build ${status.built ? 'cached' : 'not built yet'}  log ${status.log}`);
  console.log(status.up ? `Schema registry is up at ${status.url}` : 'Schema registry is down: start it with `npm run schema-registry:up`.');
  process.exitCode = status.up ? 0 : 3;
});

withCommon(program.command('logs').description('print the tail of the registry log'))
  .option('-n, --lines <n>', 'lines to print', '100')
  .option('-f, --follow', 'keep printing new lines')
  .action(async (flags: CommonFlags & { lines: string; follow?: boolean }) => {
    const file = localSchemaRegistryLogFile(optionsFrom(flags));
    if (!existsSync(file)) {
      console.log('No schema registry log yet: start it with `npm run schema-registry:up`.');
      return;
    }
    await printLogTails([file], flags.lines, Boolean(flags.follow));
  });

program.parseAsync().catch(reportCliError);
