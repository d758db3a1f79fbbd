/** Timing and CPU of one throughput contender's pass over a preloaded backlog. */
import { round } from './bench-timing.js';
import type { CpuReader } from './broker-cpu.js';

/** One contender's run over a preloaded backlog of `tasks` no-op tasks. */
export interface ContenderResult {
  readonly tasks: number;
  /** Tasks handled before the measured window (JIT warm-up): not counted in tasksPerSec nor cpuUsPerRecord. */
  readonly warmupTasks: number;
  /**
   * Tasks per second of the steady state: from the handler call after the warm-up tasks to the
   * last committed task, over the tasks after the warm-up.
   */
  readonly tasksPerSec: number;
  /** The same, from "start consuming" (includes group join / connection setup). */
  readonly tasksPerSecWithStartup: number;
  readonly steadyMs: number;
  readonly startupMs: number;
  readonly preloadMs: number;
  /**
   * CPU time of this whole process (user + system, all threads) over the steady window, per task
   * in it, in µs (`process.cpuUsage`).
   */
  readonly cpuUsPerRecord: number;
  /**
   * CPU time of the local broker process over the same window, per task, in µs: present when the
   * broker is the local single node (see {@link meterBrokerCpu}). Its clock ticks are 10 ms.
   */
  readonly brokerCpuUsPerRecord?: number;
}

let brokerCpu: CpuReader | undefined;

/** Every Meter of this process records the broker's CPU with `reader` (undefined: not at all). */
export function meterBrokerCpu(reader: CpuReader | undefined): void {
  brokerCpu = reader;
}

export interface ContenderRun {
  readonly tasks: number;
  readonly concurrency: number;
  readonly partitions: number;
  readonly timeoutMs: number;
  readonly preloadMs: number;
  /** Handler calls before the measured window starts (default 0). */
  readonly warmupTasks?: number;
}

/**
 * Marks the start, the first handler call, and the call that opens the steady window (the one
 * after `warmupTasks` calls, with the CPU used so far); `result` turns them into a ContenderResult.
 * The warm-up keeps JIT compilation out of the rate: a worker run alone in a fresh process ran
 * 19-20k tasks/s, the same worker's second run 26-30k (2026-12-07).
 */
export class Meter {
  startAt = 0;
  firstAt = 0;
  steadyAt = 0;
  handled = 0;
  readonly #warmupTasks: number;
  #steadyCpu: NodeJS.CpuUsage | undefined;
  #steadyBrokerMs: number | undefined;

  readonly #broker: CpuReader | undefined;

  /** `onKafka`: the contender runs on the Kafka broker, whose CPU is recorded beside its own (see meterBrokerCpu). */
  constructor(warmupTasks = 0, onKafka = true) {
    this.#warmupTasks = warmupTasks;
    this.#broker = onKafka ? brokerCpu : undefined;
  }

  hit(): void {
    const n = ++this.handled;
    if (n === 1) this.firstAt = performance.now();
    if (n === this.#warmupTasks + 1) {
      this.steadyAt = performance.now();
      this.#steadyCpu = process.cpuUsage();
      this.#steadyBrokerMs = this.#broker?.();
    }
  }

  result(run: Pick<ContenderRun, 'tasks' | 'preloadMs'>, endAt: number): ContenderResult {
    const cpu = process.cpuUsage(this.#steadyCpu);
    const brokerMs = this.#steadyBrokerMs === undefined ? undefined : this.#broker?.();
    const steadyMs = endAt - this.steadyAt;
    const measured = run.tasks - this.#warmupTasks;
    return {
      tasks: run.tasks,
      warmupTasks: this.#warmupTasks,
      tasksPerSec: round((measured / steadyMs) * 1000, 0),
      tasksPerSecWithStartup: round((run.tasks / (endAt - this.startAt)) * 1000, 0),
      steadyMs: round(steadyMs, 1),
      startupMs: round(this.firstAt - this.startAt, 1),
      preloadMs: round(run.preloadMs, 0),
      cpuUsPerRecord: round((cpu.user + cpu.system) / measured, 2),
      ...(brokerMs === undefined ? {} : { brokerCpuUsPerRecord: round(((brokerMs - this.#steadyBrokerMs!) * 1000) / measured, 1) }),
    };
  }
}
