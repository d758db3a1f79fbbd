// `npm test`: the three test tiers (vitest.config.ts), the fault tier beside the other two.
//
// - unit and int run in one vitest process, as before: int's files one after another against the
//   shared broker (started by its global setup when KAFKA_BROKERS is unset);
// - fault runs in a second vitest process at the same time: each of its files starts brokers of its
//   own on port ranges no int test uses, so the two never share a broker. Its output goes to a log
//   file and is printed, whole, once both are done (two reporters would interleave line by line).
//
// The run fails when either process fails. With arguments (`npm test -- <files|flags>`) it is a
// plain `vitest run <arguments>`, as before.
import { spawn } from 'node:child_process';
import { createWriteStream, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** vitest's CLI (its package exports no path to it). */
const vitest = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'node_modules', 'vitest', 'vitest.mjs');
const args = process.argv.slice(2);

/** Runs `vitest run <extra>`; resolves its exit code (1 when killed by a signal). */
function run(extra, output) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [vitest, 'run', ...extra], { stdio: output ? ['ignore', 'pipe', 'pipe'] : 'inherit' });
    if (output) {
      child.stdout.pipe(output, { end: false });
      child.stderr.pipe(output, { end: false });
    }
    children.push(child);
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

const children = [];
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    for (const child of children) child.kill(signal);
  });
}

if (args.length > 0) process.exit(await run(args));

const logFile = path.join(mkdtempSync(path.join(tmpdir(), 'sy-fault-tier-')), 'fault.log');
const log = createWriteStream(logFile);
console.log(`npm test: unit and int below; the fault tier runs beside them (its log: ${logFile}, printed at the end)`);
const startedAt = Date.now();
let faultDoneAt = 0;
const [main, fault] = await Promise.all([
  run(['--project', 'unit', '--project', 'int']),
  run(['--project', 'fault'], log).then((code) => {
    faultDoneAt = Date.now();
    return code;
  }),
]);
await new Promise((resolve) => log.end(resolve));
console.log(`\n== fault tier (${Math.round((faultDoneAt - startedAt) / 1000)} s, exit ${fault})\n`);
process.stdout.write(readFileSync(logFile, 'utf8'));
console.log(`\nnpm test: unit and int exit ${main}, fault exit ${fault}, ${Math.round((Date.now() - startedAt) / 1000)} s in all`);
process.exit(main !== 0 ? main : fault);
