/** Timing and CPU of one throughput contender's pass over a preloaded backlog. */
import { round } from './bench-timing.js';

/** One contender's run over a preloaded backlog of `tasks` no-op tasks. */
export interface ContenderResult {
  readonly tasks: number;
  /** Tasks per second from the first handler call to the last committed task (steady state). */
  readonly tasksPerSec: number;
  /** The same, from "start consuming" (includes group join / connection setup). */
  readonly tasksPerSecWithStartup: number;
  readonly steadyMs: number;
  readonly startupMs: number;
  readonly preloadMs: number;
  /**
   * CPU time of this whole process (user + system, all threads) from the first handler call to
   * the end, per task, in µs (`process.cpuUsage`).
   */
  readonly cpuUsPerRecord: number;
}

export interface ContenderRun {
  readonly tasks: number;
  readonly concurrency: number;
  readonly partitions: number;
  readonly timeoutMs: number;
  readonly preloadMs: number;
}

/** Marks the start, the first handler call (and the CPU used so far); `result` turns them into a ContenderResult. */
export class Meter {
  startAt = 0;
  firstAt = 0;
  handled = 0;
  #firstCpu: NodeJS.CpuUsage | undefined;

  hit(): void {
    if (this.handled++ === 0) {
      this.firstAt = performance.now();
      this.#firstCpu = process.cpuUsage();
    }
  }

  result(run: Pick<ContenderRun, 'tasks' | 'preloadMs'>, endAt: number): ContenderResult {
    const cpu = process.cpuUsage(this.#firstCpu);
    const steadyMs = endAt - this.firstAt;
    return {
      tasks: run.tasks,
      tasksPerSec: round((run.tasks / steadyMs) * 1000, 0),
      tasksPerSecWithStartup: round((run.tasks / (endAt - this.startAt)) * 1000, 0),
      steadyMs: round(steadyMs, 1),
      startupMs: round(this.firstAt - this.startAt, 1),
      preloadMs: round(run.preloadMs, 0),
      cpuUsPerRecord: round((cpu.user + cpu.system) / run.tasks, 2),
    };
  }
}
