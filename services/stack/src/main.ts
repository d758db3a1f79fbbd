/**
 * `npm start`: brings up the Switchyard stack. Without KAFKA_BROKERS it starts the local Kafka
 * of deploy/kafka-local (from Maven Central, on the local JDK); then it lays out the example
 * queue's topics, publishes a few `example.greeted` events, and runs the worker service in the
 * foreground (Ctrl+C stops it): the example task handlers plus the `example-audit` event
 * subscription, which logs those events. Beside it runs the scheduler service with the example
 * job (`example-heartbeat`: a send_email task every 15 s), and the HTTP gateway (GATEWAY_PORT,
 * default 8080) with a bootstrap admin key it prints with curl lines; both stop with the worker.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { ensureLocalKafka } from '@switchyard/kafka-local';
import { createKafkaClient, createLogger, ensureTopology, kafkaSettingsFromEnv } from '@switchyard/kafka';
import { isSwitchyardError } from '@switchyard/protocol';
import { EXAMPLE_QUEUE } from './example-queue.js';

const log = createLogger('stack');

/** The repository root: the worker child runs from there, so its relative paths resolve. */
const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const EXAMPLE_PARTITIONS = 3;
const WORKER_MAIN = 'services/worker/src/main.ts';
const EXAMPLE_HANDLERS = 'services/worker/src/example-handlers.ts';
const EXAMPLE_PRODUCER = 'services/worker/src/example-producer.ts';
const EXAMPLE_EVENTS = 3;
const SCHEDULER_MAIN = 'services/scheduler/src/main.ts';
const EXAMPLE_JOBS = 'services/scheduler/src/example-jobs.json';
const SCHEDULER_HTTP = { host: process.env.SCHEDULER_HTTP_HOST ?? '127.0.0.1', port: process.env.SCHEDULER_HTTP_PORT ?? '9465' };
/** A second identical signal sooner than this is a relay echo (see runExampleWorker), not a second Ctrl+C. */
const DUPLICATE_SIGNAL_MS = 300;
const WORKER_HTTP = { host: process.env.WORKER_HTTP_HOST ?? '127.0.0.1', port: process.env.WORKER_HTTP_PORT ?? '9464' };
const GATEWAY_MAIN = 'services/gateway/src/main.ts';
const GATEWAY_URL = `http://${process.env.GATEWAY_HOST ?? '127.0.0.1'}:${process.env.GATEWAY_PORT ?? '8080'}`;
/** The gateway's bootstrap admin key: GATEWAY_ADMIN_KEY, or a fresh one for this run (printed below). */
const GATEWAY_ADMIN_KEY = process.env.GATEWAY_ADMIN_KEY ?? `dev-${randomBytes(24).toString('base64url')}`;

async function main(): Promise<number> {
  let kafkaNote = `Kafka: ${process.env.KAFKA_BROKERS} (from KAFKA_BROKERS; not managed here)`;
  if (!process.env.KAFKA_BROKERS) {
    log.info('KAFKA_BROKERS is unset: starting the local Kafka (the first start fetches it from Maven Central)');
    const local = await ensureLocalKafka();
    process.env.KAFKA_BROKERS = local.bootstrap;
    kafkaNote = `Kafka: ${local.bootstrap} (local, ${local.started ? 'started now' : 'already running'}; stop it with \`npm run kafka:down\`, logs: \`npm run kafka:logs\`)`;
  }
  const settings = kafkaSettingsFromEnv();
  const admin = createKafkaClient(settings, log).admin();
  await admin.connect();
  try {
    const report = await ensureTopology(admin, EXAMPLE_QUEUE, { partitions: EXAMPLE_PARTITIONS });
    for (const drift of report.drift) log.warn(drift, 'topology drift');
    console.log(
      [
        '',
        'Switchyard stack is up.',
        `  ${kafkaNote}`,
        `  Queue "${EXAMPLE_QUEUE.name}": ${report.created.length} topic(s) created, ${report.unchanged.length} already there, ${report.drift.length} drift(s).`,
        `  Worker "example" (example handlers, event subscription "example-audit" on example.*) is starting in the foreground:`,
        `    metrics: http://${WORKER_HTTP.host}:${WORKER_HTTP.port}/metrics`,
        `    health:  http://${WORKER_HTTP.host}:${WORKER_HTTP.port}/healthz   (stats: /stats)`,
        `  Scheduler "example" fires the job "example-heartbeat" (send_email every 15 s) into the queue:`,
        `    metrics: http://${SCHEDULER_HTTP.host}:${SCHEDULER_HTTP.port}/metrics   jobs: npx switchyard schedules list --scheduler example`,
        '',
        'Enqueue example tasks, or publish example events, from another terminal:',
        `  KAFKA_BROKERS=${process.env.KAFKA_BROKERS} npx tsx ${EXAMPLE_PRODUCER} 100`,
        `  KAFKA_BROKERS=${process.env.KAFKA_BROKERS} npx tsx ${EXAMPLE_PRODUCER} --events 5`,
        `  Gateway (REST API, example task and event types): ${GATEWAY_URL}/api/v1   docs: ${GATEWAY_URL}/api/v1/docs`,
        `    bootstrap admin key: ${GATEWAY_ADMIN_KEY}${process.env.GATEWAY_ADMIN_KEY ? ' (from GATEWAY_ADMIN_KEY)' : ' (new each start; set GATEWAY_ADMIN_KEY to keep one)'}`,
        '',
        'Enqueue a task, publish an event and read the task\'s status over HTTP:',
        `  KEY=${GATEWAY_ADMIN_KEY}`,
        `  ID=$(curl -s -X POST ${GATEWAY_URL}/api/v1/data/tasks -H "Authorization: Bearer $KEY" -H 'Content-Type: application/json' \\`,
        `    -d '{"type":"send_email","payload":{"to":"ada@example.com","subject":"hello"},"tenant":"acme"}' | node -pe 'JSON.parse(require("fs").readFileSync(0)).data.id')`,
        `  curl -s -X POST ${GATEWAY_URL}/api/v1/data/events -H "Authorization: Bearer $KEY" -H 'Content-Type: application/json' \\`,
        `    -d '{"name":"example.greeted","payload":{"greeting":"hello","to":"ada"},"metadata":{"tenantId":"acme"}}'`,
        `  curl -s ${GATEWAY_URL}/api/v1/data/tasks/$ID -H "Authorization: Bearer $KEY"`,
        '',
        'Stop: Ctrl+C stops the worker (again to force); `npm run kafka:down` stops Kafka.',
        'Run the tests with `npm test`.',
        '',
      ].join('\n'),
    );
  } finally {
    await admin.disconnect();
  }
  await publishExampleEvents();
  const scheduler = startExampleScheduler();
  const gateway = startGateway();
  try {
    return await runExampleWorker();
  } finally {
    for (const child of [scheduler, gateway]) if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
  }
}

/** The gateway with the example task and event types, in the background; stopped when the worker stops. */
function startGateway() {
  const child = spawn(process.execPath, ['--import', 'tsx', GATEWAY_MAIN], { cwd: REPO_ROOT, stdio: ['ignore', 'inherit', 'inherit'], detached: true, env: { ...process.env, GATEWAY_ADMIN_KEY } });
  child.once('error', (error) => log.warn({ err: error }, 'could not start the gateway'));
  child.once('exit', (code, signal) => signal === null && code !== 0 && log.warn({ exitCode: code }, 'the gateway stopped (see above); the worker keeps running'));
  return child;
}

/** The scheduler service with the example job, in the background; stopped when the worker stops. */
function startExampleScheduler() {
  const child = spawn(process.execPath, ['--import', 'tsx', SCHEDULER_MAIN], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'inherit', 'inherit'],
    detached: true,
    env: { ...process.env, SCHEDULER_NAME: 'example', SCHEDULER_JOBS_FILE: EXAMPLE_JOBS, SCHEDULER_FOLLOW_QUEUES: EXAMPLE_QUEUE.name, SCHEDULER_HTTP_PORT: SCHEDULER_HTTP.port },
  });
  child.once('error', (error) => log.warn({ err: error }, 'could not start the example scheduler'));
  child.once('exit', (code, signal) => signal === null && code !== 0 && log.warn({ exitCode: code }, 'the example scheduler stopped (see above); the worker keeps running'));
  return child;
}

/**
 * Publishes a few `example.greeted` events before the worker starts, so its `example-audit`
 * subscription has something to log (`example event handled`) right away. Runs the worker
 * service's example producer as a child; a failure is reported and the worker still starts.
 */
async function publishExampleEvents(): Promise<void> {
  const child = spawn(process.execPath, ['--import', 'tsx', EXAMPLE_PRODUCER, '--events', String(EXAMPLE_EVENTS)], { cwd: REPO_ROOT, stdio: ['ignore', 'inherit', 'inherit'] });
  const code = await new Promise<number | null>((resolve) => {
    child.once('error', (error) => {
      log.warn({ err: error }, 'could not run the example producer');
      resolve(null);
    });
    child.once('exit', (exitCode) => resolve(exitCode));
  });
  if (code !== 0) log.warn({ exitCode: code }, 'publishing the example events failed (see above); starting the worker anyway');
}

/**
 * Runs the worker service for the example queue as a child in the foreground: inherits stdout and
 * stderr, gets SIGINT/SIGTERM forwarded (the worker stops gracefully; a second signal forces it),
 * and resolves with its exit code. The child has its own process group, so Ctrl+C reaches it once
 * (through this process) rather than twice (terminal + forward), which would force-exit it.
 */
function runExampleWorker(): Promise<number> {
  const child = spawn(process.execPath, ['--import', 'tsx', WORKER_MAIN, '--handlers', EXAMPLE_HANDLERS, '--ensure-topology'], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'inherit', 'inherit'],
    detached: true,
    env: { ...process.env, WORKER_NAME: 'example', WORKER_QUEUES: EXAMPLE_QUEUE.name, WORKER_TOPOLOGY_PARTITIONS: String(EXAMPLE_PARTITIONS) },
  });
  // `npm start` runs this under tsx, which re-sends a signal to us when our acknowledgement takes
  // more than 30 ms: Ctrl+C then arrives twice within a few ms and would force-exit the worker.
  // A repeat within DUPLICATE_SIGNAL_MS is that echo, not a second Ctrl+C.
  let last: { signal: NodeJS.Signals; at: number } | undefined;
  const forward = (signal: NodeJS.Signals) => {
    const now = Date.now();
    if (last?.signal === signal && now - last.at < DUPLICATE_SIGNAL_MS) return;
    last = { signal, at: now };
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
  };
  process.on('SIGINT', forward);
  process.on('SIGTERM', forward);
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code, signal) => resolve(code ?? (signal ? 128 + signalNumber(signal) : 1)));
  });
}

function signalNumber(signal: NodeJS.Signals): number {
  return signal === 'SIGINT' ? 2 : signal === 'SIGKILL' ? 9 : 15;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (isSwitchyardError(error)) {
      console.error(`${error.code}: ${error.message}${error.hint ? `\nFix: ${error.hint}` : ''}`);
    } else {
      console.error(error);
    }
    process.exitCode = 1;
  },
);
