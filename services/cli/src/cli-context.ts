import { createKafkaClient, kafkaSettingsFromEnv, type AdminPort, type KafkaClient, type Logger } from '@switchyard/kafka';
import { TaskStatusViews } from '@switchyard/ops';
import { SwitchyardError } from '@switchyard/protocol';
import { createCliLogger } from './cli-logger.js';
import { EXIT, type ExitCode } from './exit-codes.js';

/** A factory of the context, so every command gets the global options resolved at run time. */
export type ContextFactory = (command: import('commander').Command) => CliContext;

/** Options every command accepts (before or after the command name). */
export interface GlobalOptions {
  /** Bootstrap servers; overrides KAFKA_BROKERS. */
  readonly brokers?: string;
  /** Print machine-readable JSON instead of text. */
  readonly json?: boolean;
}

/** A failure with the exit code it maps to and a hint on what to do. */
export class CliError extends Error {
  readonly exitCode: ExitCode;
  readonly hint?: string;
  constructor(exitCode: ExitCode, message: string, hint?: string) {
    super(message);
    this.name = 'CliError';
    this.exitCode = exitCode;
    if (hint !== undefined) this.hint = hint;
  }
}

/** What a command needs: a Kafka client, an admin, output helpers. Clients are created lazily. */
export class CliContext {
  readonly json: boolean;
  readonly log: Logger;
  readonly #brokers: string | undefined;
  #client: KafkaClient | undefined;
  #admin: AdminPort | undefined;
  #statusViews: TaskStatusViews | undefined;

  /** `client`: a ready client instead of one made from KAFKA_* / --brokers (in-process tests). */
  constructor(options: GlobalOptions, deps: { readonly client?: KafkaClient } = {}) {
    this.json = Boolean(options.json);
    this.#brokers = options.brokers;
    this.#client = deps.client;
    this.log = createCliLogger();
  }

  /** The Kafka client; KAFKA_* env validated here (a bad value is a bad-input error). */
  client(): KafkaClient {
    if (!this.#client) {
      const env = { ...process.env, ...(this.#brokers ? { KAFKA_BROKERS: this.#brokers } : {}) };
      try {
        this.#client = createKafkaClient(kafkaSettingsFromEnv(env), this.log);
      } catch (error) {
        if (error instanceof SwitchyardError) throw new CliError(EXIT.badInput, error.message, 'Set KAFKA_BROKERS (host:port,...) or pass --brokers.');
        throw error;
      }
    }
    return this.#client;
  }

  /** A connected admin, disconnected by `close()`. */
  async admin(): Promise<AdminPort> {
    if (!this.#admin) {
      this.#admin = this.client().admin();
      await this.#admin.connect();
    }
    return this.#admin;
  }

  /** Task-status reads: one view of a queue's status topic per queue read, closed by `close()`. */
  async statusViews(): Promise<TaskStatusViews> {
    const admin = await this.admin();
    this.#statusViews ??= new TaskStatusViews({ client: this.client(), admin });
    return this.#statusViews;
  }

  /** Prints `data` as JSON with --json, else the human text. */
  print(data: unknown, human: string): void {
    process.stdout.write(this.json ? `${JSON.stringify(data, null, 2)}\n` : `${human}\n`);
  }

  async close(): Promise<void> {
    await this.#statusViews?.close().catch((error: unknown) => this.log.warn({ err: error }, 'closing the task status views failed'));
    await this.#admin?.disconnect().catch(() => undefined);
  }
}
