import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TLSSocket } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventWebhookConfigSchema } from '@switchyard/protocol';
import { generateWebhookSecret } from '../signing/webhook-secret.js';
import { SsrfGuard, type HostLookup } from '../ssrf/ssrf-guard.js';
import { WebhookDeliverer } from './delivery-attempt.js';

/** A self-signed certificate for hooks.test, made with openssl in a temporary folder. */
function selfSigned(): { key: Buffer; cert: Buffer } {
  const dir = mkdtempSync(join(tmpdir(), 'webhooks-tls-'));
  try {
    const run = spawnSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'), '-days', '1', '-subj', '/CN=hooks.test', '-addext', 'subjectAltName=DNS:hooks.test'], { encoding: 'utf8' });
    if (run.status !== 0) throw new Error(`openssl failed: ${run.stderr}`);
    return { key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const tls = selfSigned();
const servernames: (string | false | null)[] = [];
let server: https.Server;
let port: number;

beforeAll(async () => {
  server = https.createServer({ key: tls.key, cert: tls.cert }, (req, res) => {
    servernames.push((req.socket as TLSSocket).servername);
    req.resume();
    req.on('end', () => res.writeHead(200).end('tls ok'));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const hooksTest: HostLookup = async () => [{ address: '127.0.0.1', family: 4 }];
const endpoint = (url: string) => EventWebhookConfigSchema.parse({ eventPattern: '*', url, timeoutMs: 5_000 });

describe('WebhookDeliverer over https with a pinned address', () => {
  it('connects to the checked address but verifies the certificate and sends SNI for the name', async () => {
    const deliverer = new WebhookDeliverer({ guard: new SsrfGuard({ allow: ['127.0.0.1/32'] }, hooksTest), agent: new https.Agent({ ca: tls.cert }) });
    const result = await deliverer.attempt({ endpoint: endpoint(`https://hooks.test:${port}/hook`), secrets: [generateWebhookSecret()], messageId: 'msg_tls', body: '{}', attempt: 1 });
    expect(result).toMatchObject({ outcome: 'succeeded', statusCode: 200, address: '127.0.0.1', responseSnippet: 'tls ok' });
    expect(servernames).toEqual(['hooks.test']);
  });

  it('a certificate that does not name the host fails the attempt (retriable), nothing is delivered', async () => {
    const deliverer = new WebhookDeliverer({ guard: new SsrfGuard({ allow: ['127.0.0.1/32'] }), agent: new https.Agent({ ca: tls.cert }) });
    const result = await deliverer.attempt({ endpoint: endpoint(`https://127.0.0.1:${port}/hook`), secrets: [generateWebhookSecret()], messageId: 'msg_tls2', body: '{}', attempt: 1 });
    expect(result).toMatchObject({ outcome: 'failed', error: { code: 'SY_WEBHOOK_DELIVERY_FAILED', retriable: true } });
    expect(result.error!.message).toContain('ERR_TLS_CERT_ALTNAME_INVALID');
    expect(servernames).toEqual(['hooks.test']);
  });
});
