import { describe, expect, it } from 'vitest';
import { renderServerProperties } from './broker-config.js';
import { bootstrapServers, clusterNodes, resolveKafkaLocalOptions } from './kafka-local.options.js';

const props = (text: string) => Object.fromEntries(text.split('\n').filter((l) => l && !l.startsWith('#')).map((l) => l.split('=', 2) as [string, string]));

describe('kafka-local options', () => {
  it('defaults to one broker on 9092 under the repo .data folder', () => {
    const options = resolveKafkaLocalOptions({}, {});
    expect(options).toMatchObject({ port: 9092, brokers: 1, heap: '768m', jvm: 'server' });
    expect(options.dataDir).toMatch(/\.data\/kafka$/);
    expect(bootstrapServers(options)).toBe('127.0.0.1:9092');
  });

  it('reads the environment, flags win over it', () => {
    const env = { KAFKA_LOCAL_PORT: '19092', KAFKA_LOCAL_BROKERS: '3', KAFKA_LOCAL_DATA_DIR: '/tmp/x' };
    expect(bootstrapServers(resolveKafkaLocalOptions({}, env))).toBe('127.0.0.1:19092,127.0.0.1:19093,127.0.0.1:19094');
    expect(resolveKafkaLocalOptions({ port: 29092 }, env).port).toBe(29092);
    expect(resolveKafkaLocalOptions({}, { KAFKA_LOCAL_JVM: 'short-lived' }).jvm).toBe('short-lived');
  });

  it('names the variable and the expected form of a bad value', () => {
    expect(() => resolveKafkaLocalOptions({}, { KAFKA_LOCAL_PORT: 'abc' })).toThrow(/KAFKA_LOCAL_PORT \/ --port: must be a port number, e\.g\. 9092/);
    expect(() => resolveKafkaLocalOptions({}, { KAFKA_LOCAL_BROKERS: '2' })).toThrow(/KAFKA_LOCAL_BROKERS \/ --brokers: must be 1 \(single node\) or 3/);
    expect(() => resolveKafkaLocalOptions({}, { KAFKA_LOCAL_HEAP: 'lots' })).toThrow(/KAFKA_LOCAL_HEAP \/ --heap: must look like 512m or 1g/);
    expect(() => resolveKafkaLocalOptions({}, { KAFKA_LOCAL_JVM: 'c1' })).toThrow(/KAFKA_LOCAL_JVM \/ --jvm: must be 'server' or 'short-lived'/);
    expect(() => resolveKafkaLocalOptions({ port: 80 })).toThrow(/--port: must be >= 1024/);
  });

  it('renders single-node-safe settings: RF 1, min ISR 1, no rebalance delay, transactions', () => {
    const options = resolveKafkaLocalOptions({}, {});
    const nodes = clusterNodes(options);
    const p = props(renderServerProperties(nodes[0]!, nodes, options));
    expect(p).toMatchObject({
      'process.roles': 'broker,controller',
      'controller.quorum.voters': '1@127.0.0.1:10092',
      'offsets.topic.replication.factor': '1',
      'transaction.state.log.replication.factor': '1',
      'transaction.state.log.min.isr': '1',
      'min.insync.replicas': '1',
      'group.initial.rebalance.delay.ms': '0',
      // A KIP-848 group may ask for a session timeout down to 6 s (the default stays Kafka's 45 s).
      'group.consumer.min.session.timeout.ms': '6000',
      // Kafka 4.4.0 skips the commit markers of sole-replica partitions during a controlled shutdown (broker-config.ts).
      'controlled.shutdown.enable': 'false',
    });
  });

  it('advertises port + KAFKA_LOCAL_ADVERTISED_PORT_SHIFT (a fault-test proxy listens there), on a single plain node only', () => {
    const options = resolveKafkaLocalOptions({ port: 29092 }, { KAFKA_LOCAL_ADVERTISED_PORT_SHIFT: '100' });
    const nodes = clusterNodes(options);
    expect(props(renderServerProperties(nodes[0]!, nodes, options))).toMatchObject({ listeners: 'PLAINTEXT://127.0.0.1:29092,CONTROLLER://127.0.0.1:30092', 'advertised.listeners': 'PLAINTEXT://127.0.0.1:29192' });
    expect(() => resolveKafkaLocalOptions({ brokers: 3 }, { KAFKA_LOCAL_ADVERTISED_PORT_SHIFT: '100' })).toThrow(/KAFKA_LOCAL_ADVERTISED_PORT_SHIFT: only the plain single-node broker/);
    expect(() => resolveKafkaLocalOptions({}, { KAFKA_LOCAL_ADVERTISED_PORT_SHIFT: '-1' })).toThrow(/KAFKA_LOCAL_ADVERTISED_PORT_SHIFT \/ --advertised-port-shift: must be >= 0|KAFKA_LOCAL_ADVERTISED_PORT_SHIFT.*must be >= 0/);
  });

  it('renders a 3-node quorum with RF 3 and min ISR 2', () => {
    const options = resolveKafkaLocalOptions({ brokers: 3, port: 19092 }, {});
    const nodes = clusterNodes(options);
    expect(nodes.map((n) => [n.nodeId, n.port, n.controllerPort])).toEqual([
      [1, 19092, 20092],
      [2, 19093, 20093],
      [3, 19094, 20094],
    ]);
    const p = props(renderServerProperties(nodes[1]!, nodes, options));
    expect(p).toMatchObject({
      'node.id': '2',
      'controller.quorum.voters': '1@127.0.0.1:20092,2@127.0.0.1:20093,3@127.0.0.1:20094',
      'default.replication.factor': '3',
      'min.insync.replicas': '2',
      'transaction.state.log.min.isr': '2',
      'controlled.shutdown.enable': 'true',
    });
    expect(nodes.every((n) => n.dir.includes('cluster-3'))).toBe(true);
  });

  it('secured mode: one node on its own ports and folder, SCRAM-SHA-512 over TLS and mutual TLS listeners, PEM stores', () => {
    // KAFKA_LOCAL_PORT belongs to the plain broker: the secured one never takes it.
    const options = resolveKafkaLocalOptions({}, { KAFKA_LOCAL_SECURED: '1', KAFKA_LOCAL_PORT: '9092', KAFKA_LOCAL_DATA_DIR: '/tmp/x' });
    const nodes = clusterNodes(options);
    expect(nodes).toEqual([{ nodeId: 1, port: 9192, mtlsPort: 9193, controllerPort: 10192, dir: '/tmp/x/secured/node-1' }]);
    expect(bootstrapServers(options)).toBe('127.0.0.1:9192');
    const p = props(renderServerProperties(nodes[0]!, nodes, options));
    expect(p).toMatchObject({
      listeners: 'SASL_SSL://127.0.0.1:9192,SSL://127.0.0.1:9193,CONTROLLER://127.0.0.1:10192',
      'inter.broker.listener.name': 'SSL',
      'listener.name.ssl.ssl.client.auth': 'required',
      'listener.name.sasl_ssl.sasl.enabled.mechanisms': 'SCRAM-SHA-512',
      'ssl.keystore.type': 'PEM',
      'ssl.keystore.location': '/tmp/x/secured/tls/broker-keystore.pem',
      'ssl.truststore.location': '/tmp/x/secured/tls/ca.pem',
    });
    expect(() => resolveKafkaLocalOptions({ secured: true, brokers: 3 }, {})).toThrow(/the secured broker runs a single node/);
    expect(() => resolveKafkaLocalOptions({}, { KAFKA_LOCAL_SECURED: 'maybe' })).toThrow(/KAFKA_LOCAL_SECURED \/ --secured: must be 1 or 0/);
  });
});
