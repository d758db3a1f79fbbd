/**
 * KafkaConnectionSettings and the port's producer/consumer options as librdkafka configuration
 * (https://github.com/confluentinc/librdkafka/blob/master/CONFIGURATION.md), plus the bridge of
 * librdkafka's and the binding's log lines into pino.
 */
import type { KafkaJS } from '@confluentinc/kafka-javascript';
import type { Logger } from 'pino';
import { DEFAULT_PRODUCE_CAPS, type ProduceCaps } from '../produce-splitter.js';
import type { ConsumerOptions, ProducerOptions } from '../kafka-client.port.js';
import type { KafkaConnectionSettings } from '../kafka.options.js';

type RdKafkaConfig = Record<string, string | number | boolean | ((...args: never[]) => unknown)>;

/** The binding's KafkaJS log levels (its `logLevel` enum, without loading the addon). */
const LOG_LEVEL = { NOTHING: 0, ERROR: 1, WARN: 2, INFO: 4, DEBUG: 5 } as const;

/** How librdkafka reports what it retries on its own (a broker down for a moment, a leader moving). */
const TRANSIENT = /Connection refused|Disconnected|timed out|ALL_BROKERS_DOWN|Broker transport failure|not available|NOT_LEADER|NOT_COORDINATOR|COORDINATOR_LOAD/i;

/**
 * A KafkaJS-style logger over pino. librdkafka logs every broker connection that drops (and
 * retries it) at ERROR; those go to debug like kafkajs' retried requests: what fails for good
 * reaches the caller as an error.
 */
export function pinoLogger(logger: Logger): KafkaJS.Logger {
  const write = (level: 'error' | 'warn' | 'info' | 'debug') => (message: string, extra?: object) => {
    const pinoLevel = (level === 'error' || level === 'warn') && TRANSIENT.test(message) ? 'debug' : level;
    logger[pinoLevel]({ library: 'librdkafka', ...extra }, message);
  };
  const bridge: KafkaJS.Logger = {
    info: write('info'),
    error: write('error'),
    warn: write('warn'),
    debug: write('debug'),
    namespace: () => bridge,
    setLogLevel: () => undefined,
  };
  return bridge;
}

/** The pino level as the binding's log level (it drops lines below it before calling the logger). */
function logLevelOf(logger: Logger): number {
  const level = logger.levelVal;
  if (level <= 20) return LOG_LEVEL.DEBUG;
  if (level <= 30) return LOG_LEVEL.INFO;
  if (level <= 40) return LOG_LEVEL.WARN;
  if (level <= 60) return LOG_LEVEL.ERROR;
  return LOG_LEVEL.NOTHING;
}

/** librdkafka's connection settings: brokers, identity, timeouts, SASL and TLS (also for the native probe). */
export function connectionConfig(settings: KafkaConnectionSettings): Record<string, string | number | boolean> {
  const { sasl, ssl } = settings;
  const config: Record<string, string | number | boolean> = {
    'bootstrap.servers': settings.brokers.join(','),
    'client.id': settings.clientId,
    'socket.connection.setup.timeout.ms': settings.connectionTimeoutMs,
    'socket.timeout.ms': settings.requestTimeoutMs,
    'security.protocol': `${sasl ? 'sasl_' : ''}${ssl ? 'ssl' : 'plaintext'}`,
  };
  if (sasl) {
    config['sasl.mechanisms'] = sasl.mechanism === 'plain' ? 'PLAIN' : sasl.mechanism.toUpperCase();
    config['sasl.username'] = sasl.username;
    config['sasl.password'] = sasl.password;
  }
  if (ssl) {
    if (ssl.ca) config['ssl.ca.pem'] = ssl.ca;
    if (ssl.cert) config['ssl.certificate.pem'] = ssl.cert;
    if (ssl.key) config['ssl.key.pem'] = ssl.key;
    config['enable.ssl.certificate.verification'] = ssl.rejectUnauthorized;
    if (!ssl.rejectUnauthorized) config['ssl.endpoint.identification.algorithm'] = 'none';
  }
  return config;
}

/** What every client of one cluster shares, in the binding's KafkaJS-compatible form (brokers and logger in its `kafkaJS` block). */
export function commonConfig(settings: KafkaConnectionSettings, logger: Logger): KafkaJS.CommonConstructorConfig {
  const { 'bootstrap.servers': _brokers, 'client.id': _clientId, ...config } = connectionConfig(settings);
  return {
    ...config,
    kafkaJS: { brokers: [...settings.brokers], clientId: settings.clientId, logger: pinoLogger(logger), logLevel: logLevelOf(logger) as KafkaJS.logLevel },
  } as KafkaJS.CommonConstructorConfig;
}

/** acks=all and idempotence always (librdkafka keeps order with up to 5 requests in flight). */
export function producerConfig(options: ProducerOptions, requestTimeoutMs: number, caps: ProduceCaps = DEFAULT_PRODUCE_CAPS): KafkaJS.ProducerConstructorConfig {
  const config: RdKafkaConfig = {
    acks: -1,
    'enable.idempotence': options.idempotent ?? true,
    // Java's murmur2 for keyed records (as partitionForKey), like kafkajs' default partitioner.
    partitioner: 'murmur2_random',
    // librdkafka batches on its own: keep each partition's batch under the splitter's topic cap
    // (so under max.message.bytes), and let the broker, not the client, judge an oversized record.
    'batch.size': caps.maxTopicBytes,
    'message.max.bytes': Math.max(caps.maxRequestBytes, 1_000_000),
    'linger.ms': 5,
  };
  if (options.transactionalId) config['transactional.id'] = options.transactionalId;
  if (options.transactionalId) {
    const transactionTimeoutMs = options.transactionTimeoutMs ?? 60_000;
    config['transaction.timeout.ms'] = transactionTimeoutMs;
    // librdkafka refuses a transactional producer whose socket timeout exceeds the transaction's.
    config['socket.timeout.ms'] = Math.min(requestTimeoutMs, transactionTimeoutMs + 100);
  }
  return config as KafkaJS.ProducerConstructorConfig;
}

/**
 * The consumer's librdkafka settings. Classic protocol: session and heartbeat set here and
 * `coPartitioned` as the client-side `range` assignor. KIP-848 (`group.protocol=consumer`): the
 * broker owns session, heartbeat and assignment, so `coPartitioned` asks it for its `range`
 * assignor. rebalanceTimeoutMs has no librdkafka setting (JoinGroup's rebalance timeout is
 * max.poll.interval.ms, left at 300 s): the adapter bounds its revoke listeners by it instead.
 */
export function consumerConfig(
  options: ConsumerOptions,
  groupProtocol: 'classic' | 'consumer',
  fromBeginning: boolean,
  rebalance: (...args: never[]) => unknown,
): KafkaJS.ConsumerConstructorConfig {
  const config: RdKafkaConfig = {
    'group.id': options.groupId,
    'enable.auto.commit': false,
    'auto.offset.reset': fromBeginning ? 'earliest' : 'latest',
    'isolation.level': (options.readCommitted ?? true) ? 'read_committed' : 'read_uncommitted',
    'fetch.wait.max.ms': options.maxWaitTimeMs ?? 5_000,
    'fetch.min.bytes': options.minBytes ?? 1,
    // A batch is everything librdkafka has fetched for the partition (the binding's default is 32
    // records, and its cache would start at one record): like a kafkajs batch, and the cheapest.
    'js.consumer.max.batch.size': -1,
    // End-of-partition events tell the adapter where a partition's log ends past transaction
    // markers (RecordBatch.lastOffset counts them).
    'enable.partition.eof': true,
    rebalance_cb: rebalance,
  };
  if (options.maxBytesPerPartition) config['max.partition.fetch.bytes'] = options.maxBytesPerPartition;
  if (groupProtocol === 'consumer') {
    config['group.protocol'] = 'consumer';
    if (options.coPartitioned) config['group.remote.assignor'] = 'range';
  } else {
    if (options.sessionTimeoutMs) config['session.timeout.ms'] = options.sessionTimeoutMs;
    if (options.heartbeatIntervalMs) config['heartbeat.interval.ms'] = options.heartbeatIntervalMs;
    if (options.coPartitioned) config['partition.assignment.strategy'] = 'range';
  }
  return config as KafkaJS.ConsumerConstructorConfig;
}
