/**
 * The worker process: `npx tsx services/worker/src/main.ts --handlers <module> [--config <file>]
 * [--port <n>] [--ensure-topology]`. Config from the file or WORKER_* env, Kafka from KAFKA_* env,
 * task handlers and event subscriptions from an ES module; serves /metrics, /healthz and /stats;
 * stops gracefully on SIGTERM/SIGINT. Exit codes: 0 clean stop, 1 runtime failure, 2 bad config/env, 130 second signal.
 */
import { createLogger, type Logger } from '@switchyard/kafka';
import { isSwitchyardError } from '@switchyard/protocol';
import { loadHandlerModule } from './handler-module.js';
import { checkModuleFitsQueues, loadWorkerServiceOptions } from './worker-service.options.js';
import { WorkerService } from './worker-service.js';

const EXIT = Object.freeze({ ok: 0, failed: 1, badConfig: 2, forced: 130 });

const CONFIG_CODES = new Set(['SY_INVALID_CONFIG', 'SY_INVALID_ENV']);

async function prepare(log: Logger): Promise<WorkerService> {
  const options = loadWorkerServiceOptions(process.argv.slice(2));
  if (options.ignoredEnv.length > 0) log.warn({ ignored: options.ignoredEnv, config: options.source }, 'a config file is used: these variables do not apply');
  const module = await loadHandlerModule(options.handlersModule);
  checkModuleFitsQueues(options, module);
  log.info(
    { config: options.source, handlers: Object.keys(module.tasks ?? {}), queues: options.worker?.config.queues ?? [], subscriptions: module.subscriptions.map((s) => s.name) },
    'worker service configured',
  );
  return new WorkerService(options, module, log.child({ worker: options.name }));
}

/** First SIGTERM/SIGINT: graceful stop, exit 0. A second one: exit 130 at once. */
function onSignals(service: WorkerService, log: Logger): void {
  let received: string | undefined;
  const handle = (signal: NodeJS.Signals) => {
    if (received) {
      log.warn({ signal, first: received }, 'second signal: exiting without waiting for running tasks');
      process.exit(EXIT.forced);
    }
    received = signal;
    log.info({ signal, shutdownTimeoutMs: service.worker?.options.config.shutdownTimeoutMs }, 'stopping: finishing running tasks (send the signal again to exit at once)');
    service.stop().then(
      () => {
        log.info({ stats: service.stats() }, 'worker service stopped cleanly');
        process.exit(EXIT.ok);
      },
      (error: unknown) => fail(log, error, EXIT.failed),
    );
  };
  process.on('SIGTERM', handle);
  process.on('SIGINT', handle);
}

function fail(log: Logger, error: unknown, code: number): never {
  log.fatal({ err: error }, 'worker service failed');
  if (isSwitchyardError(error)) console.error(`${error.code}: ${error.message}${error.hint ? `\nFix: ${error.hint}` : ''}`);
  else console.error(error);
  process.exit(code);
}

async function main(): Promise<void> {
  const log = createLogger('worker-service');
  let service: WorkerService;
  try {
    service = await prepare(log);
  } catch (error) {
    fail(log, error, isSwitchyardError(error) && CONFIG_CODES.has(error.code) ? EXIT.badConfig : EXIT.failed);
  }
  onSignals(service, log);
  try {
    await service.start();
    log.info({ url: service.url }, 'worker service running');
  } catch (error) {
    // A signal during start-up stops the service under start(); that is a stop, not a failure.
    if (service.state === 'stopping' || service.state === 'stopped') return;
    await service.stop().catch(() => undefined);
    fail(log, error, EXIT.failed);
  }
}

void main();
