import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { SwitchyardError } from '@switchyard/protocol';

const run = promisify(execFile);

/** The SCRAM-SHA-512 user the secured broker is formatted with. */
export const SECURED_USERNAME = 'switchyard';

/**
 * Files of the secured broker's generated TLS material and users, all in its (ignored) data dir.
 * PEM throughout: the broker reads PEM key stores, the Node client reads the same files.
 */
export function securedFiles(clusterDir: string) {
  const tls = path.join(clusterDir, 'tls');
  return {
    tlsDir: tls,
    /** The CA that signed the broker and client certificates (KAFKA_SSL_CA_FILE). */
    caCert: path.join(tls, 'ca.pem'),
    caKey: path.join(tls, 'ca.key'),
    /** The broker's key store: PKCS#8 key then its certificate (Kafka's PEM key store format). */
    brokerKeystore: path.join(tls, 'broker-keystore.pem'),
    /** Client certificate and key for mutual TLS (KAFKA_SSL_CERT_FILE, KAFKA_SSL_KEY_FILE). */
    clientCert: path.join(tls, 'client.pem'),
    clientKey: path.join(tls, 'client.key'),
    /** The SCRAM user's password (generated once). */
    password: path.join(clusterDir, 'scram-password'),
    /** Ready-made client settings: `set -a; . <file>; set +a`. */
    scramEnv: path.join(clusterDir, 'scram-tls.env'),
    mtlsEnv: path.join(clusterDir, 'mtls.env'),
  };
}

async function openssl(args: readonly string[], cwd: string): Promise<void> {
  try {
    await run('openssl', [...args], { cwd });
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new SwitchyardError('SY_MISSING_TOOL', 'openssl is not installed: the secured broker generates its CA and certificates with it.', {
        hint: 'Install it (Debian/Ubuntu: `apt-get install openssl`), then run `npm run kafka:up -- --secured` again.',
        cause,
      });
    }
    const stderr = (cause as { stderr?: string }).stderr ?? '';
    throw new SwitchyardError('SY_BROKER_START_FAILED', `openssl ${args[0]} failed while generating the secured broker's certificates:\n${stderr}`, {
      hint: `Remove ${cwd} and start again.`,
      cause,
    });
  }
}

/** A self-signed CA (EC P-256, 10 years) written as `<name>.pem` / `<name>.key` in `dir`. */
export async function generateCa(dir: string, name: string, subject: string): Promise<{ cert: string; key: string }> {
  await mkdir(dir, { recursive: true });
  const key = path.join(dir, `${name}.key`);
  const cert = path.join(dir, `${name}.pem`);
  await openssl(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', key], dir);
  await openssl(
    ['req', '-x509', '-new', '-key', key, '-sha256', '-days', '3650', '-subj', subject, '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign', '-out', cert],
    dir,
  );
  await chmod(key, 0o600);
  return { cert, key };
}

/** A key and a certificate signed by the CA, with the given extensions (SAN, EKU). */
async function issue(dir: string, name: string, subject: string, extensions: string, ca: { cert: string; key: string }) {
  const key = path.join(dir, `${name}.key`);
  const csr = path.join(dir, `${name}.csr`);
  const cert = path.join(dir, `${name}.pem`);
  const ext = path.join(dir, `${name}.ext`);
  await writeFile(ext, extensions);
  await openssl(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', key], dir);
  await openssl(['req', '-new', '-key', key, '-subj', subject, '-out', csr], dir);
  await openssl(['x509', '-req', '-in', csr, '-CA', ca.cert, '-CAkey', ca.key, '-CAcreateserial', '-sha256', '-days', '3650', '-extfile', ext, '-out', cert], dir);
  await chmod(key, 0o600);
  await rm(csr, { force: true });
  await rm(ext, { force: true });
  return { key, cert };
}

/** What a client needs to reach the secured broker, as KAFKA_* variables (README "Configuration"). */
export interface SecuredConnections {
  /** SCRAM-SHA-512 over TLS (SASL_SSL listener). */
  readonly scramTls: Readonly<Record<string, string>>;
  /** Mutual TLS (SSL listener, client certificate required). */
  readonly mutualTls: Readonly<Record<string, string>>;
}

/** The client settings of a secured broker whose material exists in `clusterDir`. */
export async function securedConnections(clusterDir: string, ports: { scram: number; mtls: number }): Promise<SecuredConnections> {
  const files = securedFiles(clusterDir);
  const password = (await readFile(files.password, 'utf8')).trim();
  return {
    scramTls: {
      KAFKA_BROKERS: `127.0.0.1:${ports.scram}`,
      KAFKA_SASL_MECHANISM: 'scram-sha-512',
      KAFKA_SASL_USERNAME: SECURED_USERNAME,
      KAFKA_SASL_PASSWORD: password,
      KAFKA_SSL_CA_FILE: files.caCert,
    },
    mutualTls: {
      KAFKA_BROKERS: `127.0.0.1:${ports.mtls}`,
      KAFKA_SSL_CA_FILE: files.caCert,
      KAFKA_SSL_CERT_FILE: files.clientCert,
      KAFKA_SSL_KEY_FILE: files.clientKey,
    },
  };
}

const envFile = (vars: Readonly<Record<string, string>>) =>
  `# Written by deploy/kafka-local (secured broker). Load with: set -a; . ${'<this file>'}; set +a\n${Object.entries(vars)
    .map(([k, v]) => `${k}=${v}`)
    .join('\n')}\n`;

/**
 * Generates, on first use, the secured broker's material in `clusterDir`: a CA, the broker's
 * certificate (SAN 127.0.0.1 and localhost, server and client use: the broker talks to itself
 * over mutual TLS), a client certificate, the SCRAM user's password and two env files with the
 * client settings. Existing material is kept, so clients keep working across restarts.
 */
export async function ensureSecuredMaterial(clusterDir: string, ports: { scram: number; mtls: number }): Promise<SecuredConnections> {
  const files = securedFiles(clusterDir);
  if (!existsSync(files.brokerKeystore) || !existsSync(files.clientKey)) {
    await rm(files.tlsDir, { recursive: true, force: true });
    const ca = await generateCa(files.tlsDir, 'ca', '/O=Switchyard local/CN=Switchyard local Kafka CA');
    const broker = await issue(
      files.tlsDir,
      'broker',
      '/O=Switchyard local/CN=localhost',
      'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth,clientAuth\nkeyUsage=critical,digitalSignature,keyEncipherment\n',
      ca,
    );
    await issue(files.tlsDir, 'client', '/O=Switchyard local/CN=switchyard-client', 'extendedKeyUsage=clientAuth\nkeyUsage=critical,digitalSignature,keyEncipherment\n', ca);
    await writeFile(files.brokerKeystore, `${await readFile(broker.key, 'utf8')}${await readFile(broker.cert, 'utf8')}`, { mode: 0o600 });
  }
  if (!existsSync(files.password)) await writeFile(files.password, `${randomBytes(18).toString('base64url')}\n`, { mode: 0o600 });
  const connections = await securedConnections(clusterDir, ports);
  await writeFile(files.scramEnv, envFile(connections.scramTls), { mode: 0o600 });
  await writeFile(files.mtlsEnv, envFile(connections.mutualTls), { mode: 0o600 });
  return connections;
}
