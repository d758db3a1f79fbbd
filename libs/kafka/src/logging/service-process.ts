/**
 * How a Switchyard service process runs (the gateway, the scheduler, the webhook dispatcher): make
 * the service from env, stop it gracefully on SIGTERM/SIGINT (a second signal exits at once), and
 * exit with a code that says what happened. One place, so every service's `main.ts` is its wiring only.
 */
import { isSwitchyardError } from '@switchyard/protocol';
import { createLogger, type Logger } from './logger.js';

/** Exit codes of a service process. */
export const SERVICE_EXIT = Object.freeze({ ok: 0, failed: 1, badConfig: 2 });

/** Codes that mean "fix your settings" (exit 2) rather than "it broke" (exit 1). */
const DEFAULT_CONFIG_CODES: readonly string[] = ['SY_INVALID_ENV', 'SY_INVALID_CONFIG'];

export interface ServiceProcess<Started> {
  start(): Promise<Started>;
  stop(): Promise<void>;
}

export interface RunServiceOptions<S extends ServiceProcess<Started>, Started> {
  /** The logger's name, e.g. `gateway`. */
  readonly name: string;
  /** Reads and validates the settings and builds the service (not started). May throw SY_INVALID_ENV. */
  readonly create: (log: Logger) => S | Promise<S>;
  /** Called once the service started, with what `start()` returned: log where it listens. */
  readonly started?: (service: S, result: Started, log: Logger) => void;
  /** Error codes that exit 2 (bad settings); default SY_INVALID_ENV and SY_INVALID_CONFIG. */
  readonly configCodes?: readonly string[];
}

/** Prints the error for a person (code, message, the fix) and exits 2 for bad settings, else 1. */
function fail(error: unknown, configCodes: readonly string[]): never {
  if (isSwitchyardError(error)) console.error(`${error.code}: ${error.message}${error.hint ? `\nFix: ${error.hint}` : ''}`);
  else console.error(error);
  process.exit(isSwitchyardError(error) && configCodes.includes(error.code) ? SERVICE_EXIT.badConfig : SERVICE_EXIT.failed);
}

/**
 * Runs a service process: the signal handlers are in place before `start()`, so a SIGTERM while
 * it starts stops it too. First signal: `stop()`, then exit 0 (or 1 if stopping failed); a second
 * signal: exit 1 at once.
 */
export async function runService<S extends ServiceProcess<Started>, Started>(options: RunServiceOptions<S, Started>): Promise<void> {
  const configCodes = options.configCodes ?? DEFAULT_CONFIG_CODES;
  try {
    const log = createLogger(options.name);
    const service = await options.create(log);
    let stopping = false;
    const stop = () => {
      if (stopping) process.exit(SERVICE_EXIT.failed);
      stopping = true;
      service.stop().then(() => process.exit(SERVICE_EXIT.ok), (error: unknown) => fail(error, configCodes));
    };
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
    const result = await service.start();
    options.started?.(service, result, log);
  } catch (error) {
    fail(error, configCodes);
  }
}
