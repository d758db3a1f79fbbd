import { createLogger, type Logger } from '@switchyard/kafka';

/**
 * The CLI's logger (main thread and replay writer threads): JSON lines on stderr, written
 * synchronously, so stdout carries only the command's output (`--json` stays parseable whatever
 * kafkajs logs) and nothing is lost when the command exits. Warnings and errors only unless
 * LOG_LEVEL says otherwise; createLogger censors connection secrets.
 */
export function createCliLogger(): Logger {
  return createLogger('switchyard-cli', { level: process.env.LOG_LEVEL ?? 'warn' }, 'stderr');
}
