/**
 * Summaries of V8 CPU profiles (`--cpu-prof` files or node:inspector's Profiler.stop): self and
 * inclusive time per frame, self time per package or source folder. Used by bench/replay's and
 * bench/worker's profile scripts.
 */
import { REPO_ROOT } from '../worker/bench-env.js';

export interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
  readonly hitCount?: number;
  readonly children?: readonly number[];
}
export interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly startTime: number;
  readonly endTime: number;
  readonly samples: readonly number[];
}

export interface ProfileSummary {
  readonly totalMs: number;
  readonly idleMs: number;
  /** [self ms, share of busy time, frame], most first. */
  readonly self: [number, number, string][];
  /** [inclusive ms, share of busy time, frame] (time with the frame anywhere on the stack), most first. */
  readonly inclusive: [number, number, string][];
  /** [self ms, share, where]: self time by package or source folder. */
  readonly byArea: [number, number, string][];
}

const frameName = (node: ProfileNode) => {
  const { functionName, url, lineNumber } = node.callFrame;
  const file = url.replace(/^file:\/\//, '').replace(`${REPO_ROOT}/`, '');
  return `${functionName || '(anonymous)'} ${file ? `${file}:${lineNumber + 1}` : ''}`.trim();
};

/** Where a frame's code lives: a package, a source folder, node internals or the VM. */
function areaOf(node: ProfileNode): string {
  const url = node.callFrame.url.replace(/^file:\/\//, '').replace(`${REPO_ROOT}/`, '');
  if (!url) return node.callFrame.functionName.startsWith('(') ? node.callFrame.functionName : '(native)';
  if (url.startsWith('node:')) return 'node: internals';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1]!;
  return url.split('/').slice(0, 4).join('/');
}

/** Self and inclusive time per frame, and self time per area, of a `--cpu-prof` profile. */
export function summarize(profile: CpuProfile, top = 25): ProfileSummary {
  const intervalMs = (profile.endTime - profile.startTime) / 1000 / Math.max(1, profile.samples.length);
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const self = new Map<string, number>();
  const inclusive = new Map<string, number>();
  const area = new Map<string, number>();
  let idleMs = 0;
  for (const id of profile.samples) {
    const node = byId.get(id)!;
    const name = frameName(node);
    if (name.startsWith('(idle)')) {
      idleMs += intervalMs;
      continue;
    }
    self.set(name, (self.get(name) ?? 0) + intervalMs);
    area.set(areaOf(node), (area.get(areaOf(node)) ?? 0) + intervalMs);
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const frame = frameName(byId.get(at)!);
      if (seen.has(frame)) continue;
      seen.add(frame);
      inclusive.set(frame, (inclusive.get(frame) ?? 0) + intervalMs);
    }
  }
  const totalMs = (profile.endTime - profile.startTime) / 1000;
  const busyMs = totalMs - idleMs;
  const rank = (m: Map<string, number>, n: number) =>
    [...m]
      .filter(([name]) => !['(root)', '(program)'].includes(name))
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([name, ms]): [number, number, string] => [Math.round(ms), Math.round((ms / busyMs) * 1000) / 10, name]);
  return { totalMs: Math.round(totalMs), idleMs: Math.round(idleMs), self: rank(self, top), inclusive: rank(inclusive, top * 2), byArea: rank(area, 15) };
}
