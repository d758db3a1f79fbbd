import net from 'node:net';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { kafkaRequestReader, TcpProxy } from './tcp-proxy.js';

let echo: net.Server;
let proxy: TcpProxy;

beforeEach(async () => {
  // The proxy resets its upstream side too: the echo's sockets see ECONNRESET, which is what the test does.
  echo = net.createServer((socket) => socket.on('error', () => {}).pipe(socket));
  await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve));
  proxy = await TcpProxy.start({ port: (echo.address() as net.AddressInfo).port });
});
afterEach(async () => {
  await proxy.close();
  await new Promise((resolve) => echo.close(resolve));
});

/** A client of the proxy that collects what comes back and how its connection ended. */
async function connect() {
  const socket = net.connect(proxy.port, '127.0.0.1');
  await new Promise((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  const got: string[] = [];
  const ended: { how?: string } = {};
  socket.on('data', (chunk: Buffer) => got.push(chunk.toString()));
  socket.on('error', (error: NodeJS.ErrnoException) => (ended.how ??= error.code));
  socket.on('end', () => (ended.how ??= 'end'));
  socket.on('close', () => (ended.how ??= 'close'));
  return { socket, text: () => got.join(''), ended };
}

/** A Kafka request of 10 bytes: its size (int32, 6), its API key (int16: 26 is EndTxn), 4 more bytes. */
function kafkaRequest(apiKey: number): Buffer {
  const bytes = Buffer.alloc(10);
  bytes.writeInt32BE(6, 0);
  bytes.writeInt16BE(apiKey, 4);
  return bytes;
}

describe('kafkaRequestReader', () => {
  it('reads the API key of each request across chunk boundaries: split heads, split bodies, several in one chunk', () => {
    const keys: number[] = [];
    const read = kafkaRequestReader((apiKey) => keys.push(apiKey));
    const stream = Buffer.concat([kafkaRequest(22), kafkaRequest(26), kafkaRequest(0), kafkaRequest(24)]);
    // Cuts inside a size, between a size and its API key, inside a body, and a chunk of two requests and a half.
    for (const [from, to] of [[0, 3], [3, 5], [5, 13], [13, 15], [15, 35], [35, 40]] as const) read(stream.subarray(from, to));
    expect(keys).toEqual([22, 26, 0, 24]);
  });
});

describe('TcpProxy', () => {
  it('forwards both ways, in order, and counts connections', async () => {
    const c = await connect();
    for (const word of ['a', 'b', 'c']) c.socket.write(word);
    await vi.waitFor(() => expect(c.text()).toBe('abc'));
    expect(proxy.counts).toEqual({ accepted: 1, refused: 0, open: 1, lostAnswers: 0 });
    c.socket.destroy();
  });

  it('adds latency to each direction: an echo takes at least twice the latency', async () => {
    const c = await connect();
    proxy.setLatency(150);
    const sent = Date.now();
    c.socket.write('x');
    await vi.waitFor(() => expect(c.text()).toBe('x'), { timeout: 5_000 });
    expect(Date.now() - sent).toBeGreaterThanOrEqual(300);
    c.socket.destroy();
  });

  it('holds everything until released, then forwards it in order', async () => {
    const c = await connect();
    proxy.hold();
    c.socket.write('1');
    c.socket.write('2');
    // Nothing can come back while held: the echo never saw the bytes.
    await new Promise((resolve) => setImmediate(resolve));
    expect(c.text()).toBe('');
    proxy.release();
    await vi.waitFor(() => expect(c.text()).toBe('12'));
    c.socket.destroy();
  });

  it('counts Kafka requests per API key: received, and forwarded (one held, then dropped with its connection, never is)', async () => {
    const c = await connect();
    c.socket.write(Buffer.concat([kafkaRequest(22), kafkaRequest(26)]));
    await vi.waitFor(() => expect(c.text().length).toBe(20));
    expect([proxy.requestsOf(22), proxy.requestsOf(26), proxy.requestsOf(0)]).toEqual([
      { received: 1, forwarded: 1 },
      { received: 1, forwarded: 1 },
      { received: 0, forwarded: 0 },
    ]);
    proxy.hold();
    c.socket.write(kafkaRequest(26));
    await vi.waitFor(() => expect(proxy.requestsOf(26).received).toBe(2));
    expect(proxy.resetAll()).toBe(1);
    proxy.release();
    await vi.waitFor(() => expect(c.ended.how).toBe('ECONNRESET'));
    // Released after its connection was reset: the held request was dropped, not forwarded.
    const again = await connect();
    again.socket.write(kafkaRequest(0));
    await vi.waitFor(() => expect(again.text().length).toBe(10));
    expect([proxy.requestsOf(26), proxy.requestsOf(0)]).toEqual([
      { received: 2, forwarded: 1 },
      { received: 1, forwarded: 1 },
    ]);
    again.socket.destroy();
  });

  it('loses the answer to the next request of one Kafka API (the request gets through), once', async () => {
    const c = await connect();
    proxy.loseAnswerTo(26);
    c.socket.write(kafkaRequest(3)); // another API: answered
    await vi.waitFor(() => expect(c.text().length).toBe(10));
    c.socket.write(kafkaRequest(26));
    await vi.waitFor(() => expect(c.ended.how).toBe('ECONNRESET'));
    expect(c.text().length).toBe(10);
    expect(proxy.counts.lostAnswers).toBe(1);
    // Once: the next EndTxn is answered.
    const again = await connect();
    again.socket.write(kafkaRequest(26));
    await vi.waitFor(() => expect(again.text().length).toBe(10));
    expect(proxy.counts.lostAnswers).toBe(1);
    again.socket.destroy();
  });

  it('drops connections with a clean close, resets them, and refuses new ones while told to', async () => {
    const dropped = await connect();
    expect(proxy.dropAll()).toBe(1);
    await vi.waitFor(() => expect(dropped.ended.how).toBe('end'));

    const reset = await connect();
    expect(proxy.resetAll()).toBe(1);
    await vi.waitFor(() => expect(reset.ended.how).toBe('ECONNRESET'));

    proxy.refuse(true);
    const refused = net.connect(proxy.port, '127.0.0.1');
    const code = await new Promise<string | undefined>((resolve) => refused.once('error', (e: NodeJS.ErrnoException) => resolve(e.code)).once('close', () => resolve('close')));
    expect(['ECONNRESET', 'close']).toContain(code);
    expect(proxy.counts.refused).toBe(1);
    proxy.refuse(false);
    const again = await connect();
    again.socket.write('ok');
    await vi.waitFor(() => expect(again.text()).toBe('ok'));
    again.socket.destroy();
  });
});
