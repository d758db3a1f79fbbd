import { spawnSync } from 'node:child_process';

/** Why a promtool test skipped, and how to get it (what .ci/run does). */
export const PROMTOOL_MISSING =
  'promtool is not installed, so the /metrics lint is skipped. Install it (Debian ships it in the prometheus package; .ci/run extracts only the binary: ' +
  '`apt-get download prometheus && dpkg-deb --fsys-tarfile prometheus_*.deb | tar -xO ./usr/bin/promtool > /usr/local/bin/promtool && chmod 755 /usr/local/bin/promtool`).';

/** What `promtool check metrics` said: exit code 0 and no output when the exposition is clean. */
export interface PromtoolVerdict {
  readonly exitCode: number | null;
  /** Lint problems and errors (promtool writes them to stderr), stdout after them. */
  readonly output: string;
}

/** Whether `promtool` runs on this machine (PATH). */
export function promtoolAvailable(): boolean {
  const probe = spawnSync('promtool', ['--version'], { stdio: 'ignore' });
  return probe.error === undefined && probe.status === 0;
}

/** Pipes a Prometheus text exposition into `promtool check metrics`. */
export function promtoolCheckMetrics(exposition: string): PromtoolVerdict {
  const run = spawnSync('promtool', ['check', 'metrics'], { input: exposition, encoding: 'utf8', timeout: 30_000 });
  if (run.error) throw run.error;
  return { exitCode: run.status, output: `${run.stderr}${run.stdout}`.trim() };
}
