/**
 * The scheduler process: `npx tsx services/scheduler/src/main.ts`. Settings from SCHEDULER_* env
 * (see scheduler-service.options.ts), Kafka from KAFKA_* env. Run several with the same
 * SCHEDULER_NAME: each job fires exactly once per tick whichever of them owns it. Stops on
 * SIGTERM/SIGINT. Exit codes: 0 clean stop, 1 runtime failure, 2 bad env or jobs file.
 */
import { createKafkaClient, createLogger, kafkaSettingsFromEnv } from '@switchyard/kafka';
import { isSwitchyardError } from '@switchyard/protocol';
import { loadJobsFile, loadSchedulerServiceEnv } from './scheduler-service.options.js';
import { SchedulerService } from './scheduler-service.js';

const EXIT = Object.freeze({ ok: 0, failed: 1, badConfig: 2 });
const CONFIG_CODES = new Set(['SY_INVALID_ENV', 'SY_INVALID_CONFIG', 'SY_INVALID_JOB']);

function fail(error: unknown): never {
  if (isSwitchyardError(error)) console.error(`${error.code}: ${error.message}${error.hint ? `\nFix: ${error.hint}` : ''}`);
  else console.error(error);
  process.exit(isSwitchyardError(error) && CONFIG_CODES.has(error.code) ? EXIT.badConfig : EXIT.failed);
}

async function main(): Promise<void> {
  const log = createLogger('scheduler-service');
  const env = loadSchedulerServiceEnv();
  const jobs = env.SCHEDULER_JOBS_FILE ? loadJobsFile(env.SCHEDULER_JOBS_FILE) : [];
  const service = new SchedulerService(createKafkaClient(kafkaSettingsFromEnv(), log), env, jobs, log.child({ scheduler: env.SCHEDULER_NAME }));
  let stopping = false;
  const stop = () => {
    if (stopping) process.exit(EXIT.failed);
    stopping = true;
    service.stop().then(() => process.exit(EXIT.ok), fail);
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  await service.start();
  log.info({ url: service.url, jobsFromFile: jobs.map((j) => j.id) }, 'scheduler service running');
}

main().catch(fail);
