import { lstatSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { freshQueue, INSTALLED_BIN, jsonOf, runCli, type CliRun } from './cli-process.test-support.js';
import type { QueueReport } from '@switchyard/ops';

/** stderr's log lines, parsed (each must be a pino JSON line). */
function logLines(result: CliRun): Array<{ level: number; msg: string; namespace?: string }> {
  return result.stderr
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as { level: number; msg: string; namespace?: string });
}

describe('the installed switchyard bin (regression: npx switchyard failed with ERR_MODULE_NOT_FOUND)', () => {
  it('is the npm bin symlink and runs from the repo root and from another directory', async () => {
    expect(lstatSync(INSTALLED_BIN).isSymbolicLink()).toBe(true);
    const q = await freshQueue(1);
    for (const cwd of [undefined, tmpdir()]) {
      const help = await runCli(['--help'], cwd ? { cwd } : {});
      expect(help.code, help.stderr).toBe(0);
      expect(help.stdout).toContain('Usage: switchyard');
      const topics = await runCli(['--json', 'topics', '--queue', q.name], cwd ? { cwd } : {});
      expect(topics.code, topics.stderr).toBe(0);
      expect(jsonOf<QueueReport[]>(topics)[0]?.queue).toBe(q.name);
    }
  });
});

describe('switchyard output (regression: logs on stdout corrupted --json)', () => {
  it("keeps --json stdout parseable while kafkajs' log lines and a warning go to stderr", async () => {
    const q = await freshQueue(1);
    const enqueued = await runCli(['tasks', 'enqueue', '--queue', q.name, '--type', 'probe']);
    expect(enqueued.code, enqueued.stderr).toBe(0);

    // A replay's consumer group makes kafkajs log at info (Starting, Consumer has joined the group, ...):
    // this run uses the chattier client on purpose (the default, platformatic, logs nothing at info here).
    const replay = await runCli(['--json', 'replay', '--topic', `tasks.${q.name}.normal`, '--from', '1h', '--dry-run'], { env: { LOG_LEVEL: 'info', KAFKA_CLIENT: 'kafkajs' } });
    expect(replay.code, replay.stderr).toBe(0);
    const report = jsonOf<{ matched: number; group: string }>(replay);
    q.admin.deleteGroupsAfterTest([report.group]);
    expect(report.matched).toBe(1);
    expect(logLines(replay)).toContainEqual(expect.objectContaining({ namespace: 'ConsumerGroup', msg: 'Consumer has joined the group' }));

    // An unknown level makes the logger warn (and fall back to info) before the command runs.
    const warned = await runCli(['--json', 'topics', '--queue', q.name], { env: { LOG_LEVEL: 'loud' } });
    expect(warned.code, warned.stderr).toBe(0);
    expect(jsonOf<QueueReport[]>(warned)[0]?.queue).toBe(q.name);
    expect(logLines(warned)).toContainEqual(expect.objectContaining({ level: 40, msg: 'LOG_LEVEL is not a pino level; using info' }));
  });
});
