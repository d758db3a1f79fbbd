/** A progress bar on stderr, only when stderr is a terminal and the output is not JSON. */
import cliProgress from 'cli-progress';

export interface Progress {
  increment(by: number): void;
  stop(): void;
}

const NONE: Progress = { increment: () => undefined, stop: () => undefined };

/** A bar with count, rate and ETA; a no-op when it would only garble piped or JSON output. */
export function progressBar(total: number, label: string, json: boolean): Progress {
  if (json || !process.stderr.isTTY || total === 0) return NONE;
  const started = Date.now();
  const bar = new cliProgress.SingleBar(
    {
      stream: process.stderr,
      format: `${label} [{bar}] {value}/{total} | {rate}/s | ETA {eta_formatted}`,
      hideCursor: true,
      etaBuffer: 50,
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(total, 0, { rate: '0.0' });
  let done = 0;
  return {
    increment(by) {
      done += by;
      const seconds = Math.max((Date.now() - started) / 1000, 0.001);
      bar.update(done, { rate: (done / seconds).toFixed(1) });
    },
    stop: () => bar.stop(),
  };
}
