import path from 'node:path';
import type { BrokerNode, KafkaLocalOptions } from './kafka-local.options.js';
import { securedFiles } from './secured-material.js';

/**
 * Listeners of a plain node: PLAINTEXT for clients and between brokers. It advertises its port +
 * `advertisedPortShift` (single node only): a fault test's TCP proxy listens there, so every
 * client connection goes through the proxy.
 */
function plainListeners(node: BrokerNode, advertisedPortShift: number): Record<string, string> {
  return {
    listeners: `PLAINTEXT://127.0.0.1:${node.port},CONTROLLER://127.0.0.1:${node.controllerPort}`,
    'advertised.listeners': `PLAINTEXT://127.0.0.1:${node.port + advertisedPortShift}`,
    'inter.broker.listener.name': 'PLAINTEXT',
    'listener.security.protocol.map': 'PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
  };
}

/**
 * Listeners of the secured node: SASL_SSL with SCRAM-SHA-512 (TLS, no client certificate) and SSL
 * with a client certificate required (mutual TLS, also used between brokers). Key and trust stores
 * are the PEM files made by ensureSecuredMaterial. The controller listener stays PLAINTEXT on
 * 127.0.0.1 (only the node itself talks to it). No authorizer: every authenticated client may do
 * everything.
 */
function securedListeners(node: BrokerNode): Record<string, string> {
  const files = securedFiles(path.dirname(node.dir));
  return {
    listeners: `SASL_SSL://127.0.0.1:${node.port},SSL://127.0.0.1:${node.mtlsPort},CONTROLLER://127.0.0.1:${node.controllerPort}`,
    'advertised.listeners': `SASL_SSL://127.0.0.1:${node.port},SSL://127.0.0.1:${node.mtlsPort}`,
    'inter.broker.listener.name': 'SSL',
    'listener.security.protocol.map': 'SASL_SSL:SASL_SSL,SSL:SSL,CONTROLLER:PLAINTEXT',
    'ssl.keystore.type': 'PEM',
    'ssl.keystore.location': files.brokerKeystore,
    'ssl.truststore.type': 'PEM',
    'ssl.truststore.location': files.caCert,
    'ssl.endpoint.identification.algorithm': 'https',
    'listener.name.ssl.ssl.client.auth': 'required',
    'listener.name.sasl_ssl.ssl.client.auth': 'none',
    'listener.name.sasl_ssl.sasl.enabled.mechanisms': 'SCRAM-SHA-512',
    'listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config': 'org.apache.kafka.common.security.scram.ScramLoginModule required;',
  };
}

/**
 * Renders server.properties for one node of a KRaft cluster in combined mode (broker and
 * controller in one JVM). Single node: every internal topic RF 1 / min ISR 1. Three nodes:
 * RF 3 / min ISR 2, the smallest setup where a broker can die without losing acknowledged writes.
 */
export function renderServerProperties(node: BrokerNode, nodes: readonly BrokerNode[], options: KafkaLocalOptions): string {
  const replicated = options.brokers > 1;
  const rf = replicated ? 3 : 1;
  const minIsr = replicated ? 2 : 1;
  const voters = nodes.map((n) => `${n.nodeId}@127.0.0.1:${n.controllerPort}`).join(',');
  const settings: Record<string, string | number | boolean> = {
    'process.roles': 'broker,controller',
    'node.id': node.nodeId,
    'controller.quorum.voters': voters,
    ...(options.secured ? securedListeners(node) : plainListeners(node, options.advertisedPortShift)),
    'controller.listener.names': 'CONTROLLER',
    'log.dirs': `${node.dir}/data`,
    // Topics are created by ensureTopology with explicit settings; a typo must not create one.
    'auto.create.topics.enable': false,
    'num.partitions': 3,
    'default.replication.factor': rf,
    'min.insync.replicas': minIsr,
    'offsets.topic.replication.factor': rf,
    'offsets.topic.num.partitions': 10,
    'transaction.state.log.replication.factor': rf,
    'transaction.state.log.min.isr': minIsr,
    'transaction.state.log.num.partitions': 10,
    // Group protocols clients may use: classic, the KIP-848 consumer protocol (`group.protocol=consumer`)
    // and Kafka Streams'. This is Kafka 4.4's default, written out so it is visible here. Share groups
    // (KIP-932) need no entry: the `share.version` feature, finalized when storage is formatted (4.4
    // formats at share.version 2), turns them on.
    'group.coordinator.rebalance.protocols': 'classic,consumer,streams',
    'share.coordinator.state.topic.replication.factor': rf,
    'share.coordinator.state.topic.min.isr': minIsr,
    // The floor of a KIP-848 group's own `consumer.session.timeout.ms` (Kafka's is 45 s, its default,
    // which stays the default): 6 s, the classic protocol's floor, so a test can give its group a
    // short session and wait past it in seconds (consumer-protocol.membership.int.test.ts: 15 s).
    'group.consumer.min.session.timeout.ms': 6_000,
    // Tests and local runs form groups all the time; nobody wants to wait 3 s for each one.
    'group.initial.rebalance.delay.ms': 0,
    'transaction.max.timeout.ms': 900_000,
    'log.retention.check.interval.ms': 60_000,
    'unclean.leader.election.enable': false,
    // A single node shuts down WITHOUT a controlled shutdown. Kafka 4.4.0 loses the commit markers of
    // a transaction that completes during the controlled shutdown of a partition's only replica: the
    // controller takes the partitions' leadership away (leader -1), the transaction coordinator then
    // finds no leader endpoint (KRaftMetadataCache.getPartitionLeaderEndpoint answers empty for
    // leader -1 where the Scala cache answered Node.noNode, which is retried), logs "these partitions
    // are likely deleted already and hence can be skipped", skips their markers and writes
    // CompleteCommit. The producer was told the commit succeeded, its records stay in an open
    // transaction, and the next abort of that producer aborts them (measured in
    // worker.broker-restart.fault.test.ts: 18 acknowledged status records lost; issue 11 note).
    // One node has no other replica to hand leadership to, so a controlled shutdown gains nothing
    // there; without it, an interrupted commit stays PrepareCommit and its markers are written
    // after the restart. Three nodes keep it: leadership moves to a live replica, which gets them.
    'controlled.shutdown.enable': replicated,
  };
  return `# Written by deploy/kafka-local; edits are overwritten on the next start.\n${Object.entries(settings)
    .map(([key, value]) => `${key}=${value}`)
    .join('\n')}\n`;
}
