import { pino, type DestinationStream, type Logger, type LoggerOptions } from 'pino';
import kafkajs, { type logCreator } from 'kafkajs';

const { logLevel } = kafkajs;

export type { Logger };

const LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** What a censored value reads as in a log line. */
export const REDACTED = '[Redacted]';

/**
 * Secrets of the connection settings (`KafkaConnectionSettings.sasl.password`, `.ssl.key`), of the
 * environment they come from and any `password` field, wherever an object nests them up to four
 * levels deep (`{ settings }`, `{ client: { settings } }`, `err.details.settings`, ...). The
 * settings object also hides them from JSON itself (`hideSettingsSecrets`), at any depth.
 */
const SECRET_SUFFIXES = ['password', 'sasl.password', 'ssl.key', 'ssl.passphrase', 'KAFKA_SASL_PASSWORD'];
const SECRET_PATHS = ['', '*.', '*.*.', '*.*.*.'].flatMap((prefix) => SECRET_SUFFIXES.map((suffix) => prefix + suffix));

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
