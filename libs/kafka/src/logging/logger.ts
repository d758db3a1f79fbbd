import { pino, type Logger, type LoggerOptions } from 'pino';
import kafkajs, { type logCreator } from 'kafkajs';

const { logLevel } = kafkajs;

export type { Logger };

const LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/**
 * The structured logger of every Switchyard component (pino, JSON lines). Level from
 * LOG_LEVEL (default info); an unknown level falls back to info with a warning.
 */
export function createLogger(name: string, options: LoggerOptions = {}): Logger {
  const wanted = process.env.LOG_LEVEL ?? 'info';
  const level = (LEVELS as readonly string[]).includes(wanted) ? wanted : 'info';
  const logger = pino({ name, level, ...options });
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
