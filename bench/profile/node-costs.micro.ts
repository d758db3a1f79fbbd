/**
 * What a few platform calls on the worker's hot path cost on this machine's Node (issue 11 item 4;
 * the numbers behind 8a38e1e, ff96b4c and 957e360 in bench/README.md):
 *
 *   npx tsx bench/profile/node-costs.micro.ts
 *
 * - wall-clock text: `Date.now()` against `new Date().toISOString()`;
 * - a short header value: `Buffer#toString` against comparing its bytes with a remembered copy;
 * - a FIFO on an array: push + `Array#shift` with n items held, with and without garbage being made
 *   meanwhile (V8 copies the whole array per shift once its backing store is a large object).
 */
import os from 'node:os';

const ROUNDS = 1_000_000;

/** ns per call of `f`, after a warm-up of a tenth as many calls. */
function nsPerCall(f: (i: number) => unknown, rounds = ROUNDS): number {
  let sink: unknown;
  for (let i = 0; i < rounds / 10; i++) sink = f(i);
  const start = process.hrtime.bigint();
  for (let i = 0; i < rounds; i++) sink = f(i);
  const ns = Number(process.hrtime.bigint() - start) / rounds;
  if (sink === Symbol.for('never')) console.log(sink);
  return Math.round(ns * 10) / 10;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function fifoNs(held: number, churn: boolean): number {
  const queue: { n: number }[] = [];
  for (let i = 0; i < held; i++) queue.push({ n: i });
  let garbage: number[][] = [];
  return nsPerCall((i) => {
    queue.push({ n: i });
    if (churn) {
      garbage.push(new Array<number>(50).fill(i));
      if (garbage.length > 2_000) garbage = [];
    }
    return queue.shift();
  }, 100_000);
}

console.log(`${os.cpus().length} x ${os.cpus()[0]?.model ?? 'cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, ${os.type()} ${os.release()}; Node ${process.version}`);
console.log(`Date.now(): ${nsPerCall(() => Date.now())} ns; new Date().toISOString(): ${nsPerCall(() => new Date().toISOString())} ns`);
const headerBytes = Buffer.from('zzorders.order.created').subarray(2);
const remembered = Buffer.from(headerBytes);
console.log(`20-byte header: Buffer#toString ${nsPerCall(() => headerBytes.toString('utf8'))} ns; byte compare with a remembered copy ${nsPerCall(() => sameBytes(remembered, headerBytes))} ns`);
for (const held of [5_000, 10_000, 12_000, 20_000, 100_000]) {
  console.log(`push + Array#shift with ${held} items held: ${fifoNs(held, false)} ns; with garbage made meanwhile: ${fifoNs(held, true)} ns`);
}
