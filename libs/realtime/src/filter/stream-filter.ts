/**
 * Which messages a client gets, decided on the server: its scope (from its credential: tenant,
 * user, what it may read) and what it subscribed to (channels, event patterns, task ids), within
 * what the server's RealTimeNotificationConfig lets out at all (`eventPattern`, `tenantFilter`,
 * `userFilter`, the channels' patterns and filters).
 */
import type { RealTimeNotificationConfig } from '@switchyard/protocol';
import { compilePattern } from '@switchyard/kafka';
import type { EventMessage, StreamMessage } from '../message/stream-message.js';

/** Who the client is, as its credential says. */
export interface StreamScope {
  /** The only tenant it sees; undefined: every tenant (an admin credential without a tenant). */
  readonly tenant: string | undefined;
  /** The user it is (with `userFilter` it sees only that user's tasks and events); undefined: no user (a service credential). */
  readonly user: string | undefined;
  readonly canReadTasks: boolean;
  readonly canReadEvents: boolean;
}

/** What a client asked for. `tasks: ['*']` is every task status of its scope. */
export interface StreamSubscription {
  readonly channels: readonly string[];
  readonly events: readonly string[];
  readonly tasks: readonly string[];
}

export const EMPTY_SUBSCRIPTION: StreamSubscription = Object.freeze({ channels: [], events: [], tasks: [] });

interface CompiledChannel {
  readonly name: string;
  readonly matches: (name: string) => boolean;
  readonly filter: ((event: unknown) => boolean) | undefined;
}

/** The server side of the filter: the notification config compiled once. */
export class StreamPolicy {
  readonly config: RealTimeNotificationConfig;
  readonly #allowed: (name: string) => boolean;
  readonly #channels: Map<string, CompiledChannel>;

  constructor(config: RealTimeNotificationConfig) {
    this.config = config;
    this.#allowed = compilePattern(config.eventPattern).matches;
    this.#channels = new Map((config.channels ?? []).map((c) => [c.name, { name: c.name, matches: compilePattern(c.eventPattern).matches, filter: c.filter as ((event: unknown) => boolean) | undefined }]));
  }

  hasChannel(name: string): boolean {
    return this.#channels.has(name);
  }

  get channelNames(): string[] {
    return [...this.#channels.keys()];
  }

  /** True when the message is in the client's scope (tenant, user, read scopes). */
  inScope(message: StreamMessage, scope: StreamScope): boolean {
    if (message.type === 'task.status' ? !scope.canReadTasks : !scope.canReadEvents) return false;
    if (this.config.tenantFilter && scope.tenant !== undefined && message.tenant !== scope.tenant) return false;
    if (this.config.userFilter && scope.user !== undefined && message.user !== scope.user) return false;
    return true;
  }

  /** True when the client gets the message: in scope, and subscribed to it (task id, event pattern or channel). */
  matches(message: StreamMessage, scope: StreamScope, subscription: CompiledSubscription): boolean {
    if (!this.inScope(message, scope)) return false;
    if (message.type === 'task.status') return subscription.allTasks || subscription.tasks.has(message.taskId);
    if (!this.#allowed(message.name)) return false;
    if (subscription.events.some((matches) => matches(message.name))) return true;
    return subscription.channels.some((name) => this.#inChannel(name, message));
  }

  #inChannel(name: string, message: EventMessage): boolean {
    const channel = this.#channels.get(name);
    if (!channel || !channel.matches(message.name)) return false;
    if (!channel.filter) return true;
    try {
      return channel.filter(message.data) === true;
    } catch {
      return false;
    }
  }
}

/** A subscription ready for matching (patterns compiled, task ids in a set). */
export interface CompiledSubscription {
  readonly source: StreamSubscription;
  readonly channels: readonly string[];
  readonly events: readonly ((name: string) => boolean)[];
  readonly tasks: ReadonlySet<string>;
  readonly allTasks: boolean;
}

export function compileSubscription(subscription: StreamSubscription): CompiledSubscription {
  return {
    source: subscription,
    channels: [...new Set(subscription.channels)],
    events: [...new Set(subscription.events)].map((pattern) => compilePattern(pattern).matches),
    tasks: new Set(subscription.tasks),
    allTasks: subscription.tasks.includes('*'),
  };
}

/** `base` plus `added` (subscribe) or minus `removed` (unsubscribe). */
export function mergeSubscription(base: StreamSubscription, change: StreamSubscription, op: 'add' | 'remove'): StreamSubscription {
  const apply = (a: readonly string[], b: readonly string[]) => (op === 'add' ? [...new Set([...a, ...b])] : a.filter((x) => !b.includes(x)));
  return { channels: apply(base.channels, change.channels), events: apply(base.events, change.events), tasks: apply(base.tasks, change.tasks) };
}
