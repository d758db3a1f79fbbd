import { pino, type DestinationStream, type Logger, type LoggerOptions } from 'pino';
import kafkajs, { type logCreator } from 'kafkajs';

const { logLevel } = kafkajs;

export type { Logger };

const LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** What a censored value reads as in a log line. */
export const REDACTED = '[Redacted]';

/**
 * Where a logged object may hold a secret of the connection settings (`sasl.password`, `ssl.key`)
 * or of the environment they come from, as a plain copy that lost the settings' own hiding
 * (`hideSettingsSecrets` hides them at any depth of a logged settings object): at the top (kafkajs'
 * log extras), under `settings`, `config`, `env`, `client.settings` and an error's `details`.
 * Fixed paths only: pino's intermediate wildcards cost about 5 us per path depth on every line.
 */
const SECRET_FIELDS = ['password', 'sasl.password', 'ssl.key', 'ssl.passphrase', 'KAFKA_SASL_PASSWORD'];
const SECRET_CONTAINERS = ['', 'settings.', 'config.', 'env.', 'client.settings.', 'err.details.', 'err.details.settings.', 'err.details.env.'];
const SECRET_PATHS = SECRET_CONTAINERS.flatMap((container) => SECRET_FIELDS.map((field) => container + field));

/**
 * The structured logger of every Switchyard component (pino, JSON lines, secrets censored). The
 * level is `options.level`, else LOG_LEVEL, else info; an unknown level falls back to info with a
 * warning. `destination` defaults to stdout (services); `'stderr'` writes to fd 2 synchronously
 * (the CLI, whose stdout carries only its output); a stream receives the lines (tests).
 */
export function createLogger(name: string, options: LoggerOptions = {}, destination?: 'stderr' | DestinationStream): Logger {
  const wanted = options.level ?? process.env.LOG_LEVEL ?? 'info';
  const level = (LEVELS as readonly string[]).includes(wanted) ? wanted : 'info';
  const callerPaths = Array.isArray(options.redact) ? options.redact : (options.redact?.paths ?? []);
  const redact = { paths: [...SECRET_PATHS, ...callerPaths], censor: REDACTED };
  const settings: LoggerOptions = { name, ...options, level, redact };
  const stream = destination === 'stderr' ? pino.destination({ fd: 2, sync: true }) : destination;
  const logger = stream ? pino(settings, stream) : pino(settings);
  if (level !== wanted) logger.warn({ LOG_LEVEL: wanted, allowed: LEVELS }, 'LOG_LEVEL is not a pino level; using info');
  return logger;
}

const toPino: Record<number, 'error' | 'warn' | 'info' | 'debug'> = {
  [logLevel.ERROR]: 'error',
  [logLevel.WARN]: 'warn',
  [logLevel.INFO]: 'info',
  [logLevel.DEBUG]: 'debug',
};

/**
 * Routes kafkajs' own log lines into a pino logger. kafkajs logs every error response of a
 * request at ERROR even when it retries it (a fresh topic's leader not ready yet, a transaction
 * still completing): those go to debug; what fails for good reaches the caller as an error.
 */
export function kafkajsLogCreator(logger: Logger): logCreator {
  return () =>
    ({ namespace, level, log }) => {
      const { message, ...extra } = log;
      const retried = namespace === 'Connection' || (extra as { retryCount?: unknown }).retryCount !== undefined;
      const pinoLevel = level === logLevel.ERROR && retried ? 'debug' : (toPino[level] ?? 'info');
      logger[pinoLevel]({ namespace, ...extra }, message);
    };
}
