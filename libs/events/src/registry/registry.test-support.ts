/**
 * The schema registry for integration tests: `SCHEMA_REGISTRY_URL` when set (CI starts one on
 * 8081), otherwise a local Apicurio Registry (deploy/schema-registry) on a free port, started on
 * first use and stopped after the test file.
 *
 * The stop is an `afterAll` registered when this module is imported: vitest evaluates it once per
 * test file (the `int` project isolates files), while the file is being collected, which is the
 * only time hooks can still be added (an `afterAll` added from inside a hook or test is ignored).
 */
import net from 'node:net';
import { afterAll } from 'vitest';
import { TcpProxy } from '@switchyard/testing';
import { ensureLocalSchemaRegistry, stopLocalSchemaRegistry } from '@switchyard/schema-registry-local';

/** Port of the registry this file started (also after a failed start, which may leave a JVM behind). */
let localPort: number | undefined;
let started: Promise<string> | undefined;

afterAll(async () => {
  const port = localPort;
  localPort = undefined;
  started = undefined;
  if (port !== undefined) await stopLocalSchemaRegistry({ port });
});

/** Base URL of a Confluent-compatible registry for this test file (see the module comment). */
export async function testSchemaRegistryUrl(): Promise<string> {
  const fromEnv = process.env.SCHEMA_REGISTRY_URL;
  if (fromEnv) return fromEnv;
  started ??= (async () => {
    localPort = await freePort();
    // The first run of all builds Apicurio with Maven (~40 s with a warm ~/.m2); later starts take seconds.
    const handle = await ensureLocalSchemaRegistry({ port: localPort, startTimeoutMs: 120_000 });
    return handle.url;
  })();
  return started;
}

/** A Confluent API URL on a port nothing listens on: the registry is "down". */
export async function unreachableSchemaRegistryUrl(): Promise<string> {
  return `http://127.0.0.1:${await freePort()}/apis/ccompat/v7`;
}

/** A port that was free a moment ago (the OS picks it, so concurrent callers do not collide). */
async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** The registry behind a TCP proxy (libs/testing's TcpProxy) whose outage a test switches on and off. */
export interface RegistryProxy {
  /** The registry's URL through the proxy (same path). */
  readonly url: string;
  /** Connections refused (reset at once) while cut: how often a client tried during the outage. */
  readonly refused: number;
  /** From now on every connection is reset at once, open ones too: the registry is unreachable. */
  cut(): void;
  /** Connections reach the registry again. */
  restore(): void;
}

/** Starts a proxy on a free port to the host and port of `registryUrl`; closed after the test file. */
export async function registryProxy(registryUrl: string): Promise<RegistryProxy> {
  const target = new URL(registryUrl);
  const proxy = await TcpProxy.start({ host: target.hostname, port: Number(target.port || 80) });
  proxies.push(proxy);
  return {
    url: `${target.protocol}//127.0.0.1:${proxy.port}${target.pathname.replace(/\/$/, '')}`,
    get refused() {
      return proxy.counts.refused;
    },
    cut() {
      proxy.refuse(true);
      proxy.resetAll();
    },
    restore() {
      proxy.refuse(false);
    },
  };
}

const proxies: TcpProxy[] = [];
afterAll(async () => {
  await Promise.all(proxies.splice(0).map((p) => p.close()));
});
