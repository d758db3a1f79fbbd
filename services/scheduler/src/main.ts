/**
 * The scheduler process: `npx tsx services/scheduler/src/main.ts`. Settings from SCHEDULER_* env
 * (see scheduler-service.options.ts), Kafka from KAFKA_* env. Run several with the same
 * SCHEDULER_NAME: each job fires exactly once per tick whichever of them owns it. Stops on
 * SIGTERM/SIGINT. Exit codes: 0 clean stop, 1 runtime failure, 2 bad env or jobs file.
 */
import { createKafkaClient, kafkaSettingsFromEnv, runService } from '@switchyard/kafka';
import type { ScheduledJob } from '@switchyard/scheduler';
import { loadJobsFile, loadSchedulerServiceEnv } from './scheduler-service.options.js';
import { SchedulerService } from './scheduler-service.js';

let jobs: ScheduledJob[] = [];
await runService({
  name: 'scheduler-service',
  // A bad jobs file is bad settings too.
  configCodes: ['SY_INVALID_ENV', 'SY_INVALID_CONFIG', 'SY_INVALID_JOB'],
  create(log) {
    const env = loadSchedulerServiceEnv();
    jobs = env.SCHEDULER_JOBS_FILE ? loadJobsFile(env.SCHEDULER_JOBS_FILE) : [];
    return new SchedulerService(createKafkaClient(kafkaSettingsFromEnv(), log), env, jobs, log.child({ scheduler: env.SCHEDULER_NAME }));
  },
  started(service, _result, log) {
    log.info({ url: service.url, jobsFromFile: jobs.map((j) => j.id) }, 'scheduler service running');
  },
});
