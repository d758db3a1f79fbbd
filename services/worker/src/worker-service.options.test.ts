import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isSwitchyardError, type SwitchyardError } from '@switchyard/protocol';
import { DEFAULT_HTTP_HOST, DEFAULT_HTTP_PORT, checkModuleFitsQueues, loadWorkerServiceOptions, type WorkerServiceFile } from './worker-service.options.js';

const HANDLERS = ['--handlers', 'handlers.ts'];

function failure(run: () => unknown): SwitchyardError {
  try {
    run();
  } catch (error) {
    if (isSwitchyardError(error)) return error;
    throw error;
  }
  throw new Error('expected a SwitchyardError, got none');
}

function configFile(content: unknown): string {
  const file = join(mkdtempSync(join(tmpdir(), 'worker-config-')), 'worker.json');
  writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
  return file;
}

const validFile: WorkerServiceFile = {
  config: { name: 'billing', queues: ['invoices', 'receipts'], queueConfigs: [{ name: 'invoices', concurrency: 12 }], shutdownTimeoutMs: 5000 },
  queueOptions: { invoices: { ordered: false } },
  topology: { partitions: 6, replicationFactor: 1 },
};

describe('worker service options from env', () => {
  it('builds the worker config from WORKER_* with defaults for HTTP and topology', () => {
    const options = loadWorkerServiceOptions(HANDLERS, { WORKER_NAME: 'mailer', WORKER_QUEUES: 'emails, reports', WORKER_CONCURRENCY: '7', WORKER_SHUTDOWN_TIMEOUT_MS: '2500' });
    expect(options.source).toBe('env');
    expect(options.name).toBe('mailer');
    expect(options.worker!.config).toMatchObject({ name: 'mailer', queues: ['emails', 'reports'], shutdownTimeoutMs: 2500 });
    expect(options.worker!.config.queueConfigs?.map((q) => [q.name, q.concurrency])).toEqual([['emails', 7], ['reports', 7]]);
    expect(options.events).toEqual({ concurrency: 7, shutdownTimeoutMs: 2500 });
    expect(options.http).toEqual({ host: DEFAULT_HTTP_HOST, port: DEFAULT_HTTP_PORT });
    expect(options.ensureTopology).toBe(false);
    expect(options.handlersModule).toBe('handlers.ts');
    expect(Object.isFrozen(options)).toBe(true);
  });

  it('takes handlers, port, host and ensure-topology from env, flags winning over env', () => {
    const env = { WORKER_NAME: 'w', WORKER_QUEUES: 'q', SWITCHYARD_HANDLERS: 'env.ts', WORKER_HTTP_PORT: '9000', WORKER_HTTP_HOST: '0.0.0.0', WORKER_ENSURE_TOPOLOGY: 'true', WORKER_TOPOLOGY_PARTITIONS: '3' };
    expect(loadWorkerServiceOptions([], env)).toMatchObject({ handlersModule: 'env.ts', http: { host: '0.0.0.0', port: 9000 }, ensureTopology: true, topology: { partitions: 3 } });
    expect(loadWorkerServiceOptions(['--handlers', 'flag.ts', '--port', '9100', '--ensure-topology'], { ...env, WORKER_ENSURE_TOPOLOGY: 'false' })).toMatchObject({
      handlersModule: 'flag.ts',
      http: { port: 9100 },
      ensureTopology: true,
    });
  });

  it.each([
    [{ WORKER_QUEUES: 'q' }, 'WORKER_NAME: is required'],
    [{ WORKER_NAME: 'bad name!', WORKER_QUEUES: 'q' }, 'WORKER_NAME: must be 1-100 letters'],
    [{ WORKER_NAME: 'w', WORKER_QUEUES: 'ok,Bad.Queue' }, 'WORKER_QUEUES[1]: must match'],
    [{ WORKER_NAME: 'w', WORKER_QUEUES: ' , ' }, 'WORKER_QUEUES: must name at least one queue'],
    [{ WORKER_NAME: 'w', WORKER_QUEUES: 'q', WORKER_CONCURRENCY: '0' }, 'WORKER_CONCURRENCY: must be a whole number >= 1'],
    [{ WORKER_NAME: 'w', WORKER_QUEUES: 'q', WORKER_CONCURRENCY: 'many' }, 'WORKER_CONCURRENCY: must be a whole number >= 1'],
    [{ WORKER_NAME: 'w', WORKER_QUEUES: 'q', WORKER_SHUTDOWN_TIMEOUT_MS: '1.5' }, 'WORKER_SHUTDOWN_TIMEOUT_MS: must be a whole number of milliseconds'],
    [{ WORKER_NAME: 'w', WORKER_QUEUES: 'q', WORKER_HTTP_PORT: '70000' }, 'WORKER_HTTP_PORT: must be a port number'],
    [{ WORKER_NAME: 'w', WORKER_QUEUES: 'q', WORKER_ENSURE_TOPOLOGY: 'maybe' }, 'WORKER_ENSURE_TOPOLOGY: must be true or false'],
    [{ WORKER_NAME: 'w', WORKER_QUEUES: 'q', WORKER_TOPOLOGY_PARTITIONS: '-1' }, 'WORKER_TOPOLOGY_PARTITIONS: must be a whole number >= 1'],
  ])('rejects %j naming the variable', (env, expected) => {
    const error = failure(() => loadWorkerServiceOptions(HANDLERS, env));
    expect(error.code).toBe('SY_INVALID_ENV');
    expect(error.message).toContain(expected);
    expect(error.hint).toContain('README');
  });

  it('names --port, not the variable, when the bad port came from the flag', () => {
    const error = failure(() => loadWorkerServiceOptions([...HANDLERS, '--port', 'http'], { WORKER_NAME: 'w', WORKER_QUEUES: 'q' }));
    expect(error.message).toContain('--port: must be a port number');
  });

  it('requires a handlers module', () => {
    const error = failure(() => loadWorkerServiceOptions([], { WORKER_NAME: 'w', WORKER_QUEUES: 'q' }));
    expect(error.code).toBe('SY_INVALID_CONFIG');
    expect(error.message).toContain('--handlers');
    expect(error.message).toContain('SWITCHYARD_HANDLERS');
  });

  it('rejects unknown flags and flags without their value', () => {
    expect(failure(() => loadWorkerServiceOptions(['--handler', 'x.ts'], {})).message).toContain("Unknown option '--handler'");
    expect(failure(() => loadWorkerServiceOptions(['--config'], {})).message).toContain('--config');
  });
});

describe('worker service options from a config file', () => {
  it('reads the file given by --config, applies defaults and keeps the topology apart', () => {
    const file = configFile(validFile);
    const options = loadWorkerServiceOptions(['--config', file, ...HANDLERS], { WORKER_NAME: 'ignored' });
    expect(options.source).toBe(file);
    expect(options.worker!.config).toMatchObject({ name: 'billing', queues: ['invoices', 'receipts'], shutdownTimeoutMs: 5000, defaultTimeoutMs: 300000 });
    expect(options.worker!.queueOptions.invoices).toMatchObject({ ordered: false, minLowerLaneShare: 0.05 });
    expect(options.worker!.commitIntervalMs).toBe(100);
    expect(options.name).toBe('billing');
    expect(options.events).toEqual({ shutdownTimeoutMs: 5000 });
    expect(options.topology).toEqual({ partitions: 6, replicationFactor: 1, laneRetentionMs: 604800000, dlqRetentionMs: 2592000000, statusRetentionMs: 604800000, maxMessageBytes: 1048576 });
    expect(options.ignoredEnv).toEqual(['WORKER_NAME']);
  });

  it('reads the file named by SWITCHYARD_WORKER_CONFIG, relative to the working directory', () => {
    const file = configFile(validFile);
    const options = loadWorkerServiceOptions(HANDLERS, { SWITCHYARD_WORKER_CONFIG: 'worker.json' }, join(file, '..'));
    expect(options.worker!.config.name).toBe('billing');
    expect(options.topology).toMatchObject({ partitions: 6 });
  });

  it.each<[string, unknown, string]>([
    ['a missing name', { config: { queues: ['q'] } }, 'config.name: Invalid input: expected string, received undefined'],
    ['no queues', { config: { name: 'w', queues: [] } }, 'config.queues: Too small'],
    ['a bad queue name', { config: { name: 'w', queues: ['ok', 'Not.Ok'] } }, 'config.queues[1]: must match'],
    ['a string timeout', { config: { name: 'w', queues: ['q'], shutdownTimeoutMs: '30s' } }, 'config.shutdownTimeoutMs: Invalid input: expected number, received string'],
    ['zero concurrency', { config: { name: 'w', queues: ['q'], queueConfigs: [{ name: 'q', concurrency: 0 }] } }, 'config.queueConfigs[0].concurrency: Too small'],
    ['a queueConfig of another queue', { config: { name: 'w', queues: ['q'], queueConfigs: [{ name: 'other' }] } }, 'config.queueConfigs[0].name: "other" is not in config.queues'],
    ['a misspelt config field', { config: { name: 'w', queues: ['q'], shutdownTimeoutMS: 1 } }, 'config.shutdownTimeoutMS: unknown field'],
    ['handlers in JSON', { config: { name: 'w', queues: ['q'], handlers: {} } }, 'config.handlers: functions cannot come from JSON'],
    ['a misspelt top-level field', { config: { name: 'w', queues: ['q'] }, queueOption: {} }, 'queueOption: unknown field'],
    ['queueOptions of an unknown queue', { config: { name: 'w', queues: ['q'] }, queueOptions: { qq: {} } }, 'queueOptions.qq: names no queue of config.queues (q)'],
    ['a bad queue option', { config: { name: 'w', queues: ['q'] }, queueOptions: { q: { minLowerLaneShare: 0.9 } } }, 'queueOptions.q.minLowerLaneShare: Too big'],
    ['a bad topology', { config: { name: 'w', queues: ['q'] }, topology: { partitions: 0 } }, 'topology.partitions: Too small'],
    ['a topology typo', { config: { name: 'w', queues: ['q'] }, topology: { replication: 3 } }, 'topology.replication: unknown field'],
    ['a bad commitIntervalMs', { config: { name: 'w', queues: ['q'] }, commitIntervalMs: -5 }, 'commitIntervalMs: Too small'],
    ['no config at all', {}, 'config: Invalid input: expected object, received undefined'],
    ['an array', [], '(file): Invalid input: expected object, received array'],
  ])('rejects %s naming the file and the field', (_case, content, expected) => {
    const file = configFile(content);
    const error = failure(() => loadWorkerServiceOptions(['--config', file, ...HANDLERS], {}));
    expect(error.code).toBe('SY_INVALID_CONFIG');
    expect(error.message).toContain(`Invalid worker config file ${file}`);
    expect(error.message).toContain(expected);
    expect(error.hint).toContain(file);
    expect(error.hint).toContain('README');
  });

  it('lists every bad field at once', () => {
    const file = configFile({ config: { name: '', queues: ['q'], pollIntervalMs: 0 }, statusProcessing: 'yes' });
    const error = failure(() => loadWorkerServiceOptions(['--config', file, ...HANDLERS], {}));
    expect(error.message).toContain('(3 problems)');
    expect(error.message.split('\n').slice(1).map((line) => line.trim().split(':')[0])).toEqual(['config.name', 'config.pollIntervalMs', 'statusProcessing']);
  });

  it('names the file when it is missing or not JSON', () => {
    const missing = failure(() => loadWorkerServiceOptions(['--config', '/nonexistent/worker.json', ...HANDLERS], {}));
    expect(missing.message).toContain('Cannot read the worker config file /nonexistent/worker.json');
    const broken = configFile('{ "config": { "name": "w", }');
    const error = failure(() => loadWorkerServiceOptions(['--config', broken, ...HANDLERS], {}));
    expect(error.code).toBe('SY_INVALID_CONFIG');
    expect(error.message).toContain(`The worker config file ${broken} is not valid JSON`);
  });
});

describe('which handlers modules fit which queues', () => {
  const tasks = { send_email: async () => undefined };
  const subscriptions = [{ name: 'audit' }];

  it('runs without a task worker when WORKER_QUEUES is unset: only a module with subscriptions alone may', () => {
    const options = loadWorkerServiceOptions(HANDLERS, { WORKER_NAME: 'auditor', WORKER_SHUTDOWN_TIMEOUT_MS: '4000' });
    expect(options.worker).toBeUndefined();
    expect(options).toMatchObject({ name: 'auditor', events: { shutdownTimeoutMs: 4000 } });
    expect(() => checkModuleFitsQueues(options, { tasks: undefined, subscriptions })).not.toThrow();
  });

  it('requires WORKER_QUEUES for a module with task handlers', () => {
    const options = loadWorkerServiceOptions(HANDLERS, { WORKER_NAME: 'w' });
    const error = failure(() => checkModuleFitsQueues(options, { tasks, subscriptions: [] }));
    expect(error.code).toBe('SY_INVALID_ENV');
    expect(error.message).toContain('WORKER_QUEUES: is required without a config file: a comma list of queue names (the handlers module exports task handlers)');
    expect(error.hint).toContain('README');
    expect(() => checkModuleFitsQueues(loadWorkerServiceOptions(HANDLERS, { WORKER_NAME: 'w', WORKER_QUEUES: 'q' }), { tasks, subscriptions })).not.toThrow();
  });

  it('refuses queues for a module without task handlers: every task would be dead-lettered', () => {
    const fromEnv = failure(() => checkModuleFitsQueues(loadWorkerServiceOptions(HANDLERS, { WORKER_NAME: 'w', WORKER_QUEUES: 'emails,reports' }), { tasks: undefined, subscriptions }));
    expect(fromEnv.code).toBe('SY_INVALID_ENV');
    expect(fromEnv.message).toBe('Handlers module handlers.ts exports only subscriptions (no task handlers), but WORKER_QUEUES names queue(s) emails, reports: their tasks would all fail with SY_UNKNOWN_TASK_TYPE.');
    expect(fromEnv.hint).toContain('Unset WORKER_QUEUES');
    const file = configFile(validFile);
    const fromFile = failure(() => checkModuleFitsQueues(loadWorkerServiceOptions(['--config', file, ...HANDLERS], {}), { tasks: undefined, subscriptions }));
    expect(fromFile.code).toBe('SY_INVALID_CONFIG');
    expect(fromFile.message).toContain(`the config file ${file} names queue(s) invoices, receipts`);
    expect(fromFile.hint).toContain('Run without --config');
  });
});
