/**
 * The CPU time of the local broker (deploy/kafka-local), for the benchmarks to record beside each
 * contender's own: on one machine the broker shares the cores with the contender, and a contender
 * that makes the broker work harder (transactions, status records) pays for it in its own rate.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { localKafkaStatus } from '@switchyard/kafka-local';

/** Reads a process's user + system CPU time in ms; undefined when /proc cannot tell. */
export type CpuReader = () => number | undefined;

/**
 * A reader of the local broker's CPU time when `bootstrap` is the local single-node broker and
 * /proc is there (Linux); undefined otherwise (a broker elsewhere: its CPU is not ours to see).
 */
export async function localBrokerCpu(bootstrap: string): Promise<CpuReader | undefined> {
  if (process.platform !== 'linux') return undefined;
  const status = await localKafkaStatus().catch(() => undefined);
  const pid = status?.nodes.length === 1 ? status.nodes[0]?.pid : undefined;
  if (pid === undefined || status?.bootstrap !== bootstrap) return undefined;
  const ticksPerSec = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  return () => {
    try {
      // Fields after the command name: utime and stime are the 14th and 15th of the whole line.
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      return ((Number(fields[11]) + Number(fields[12])) * 1000) / ticksPerSec;
    } catch {
      return undefined;
    }
  };
}
