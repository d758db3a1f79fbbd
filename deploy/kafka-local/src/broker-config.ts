import type { BrokerNode, KafkaLocalOptions } from './kafka-local.options.js';

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
    listeners: `PLAINTEXT://127.0.0.1:${node.port},CONTROLLER://127.0.0.1:${node.controllerPort}`,
    'advertised.listeners': `PLAINTEXT://127.0.0.1:${node.port}`,
    'controller.listener.names': 'CONTROLLER',
    'inter.broker.listener.name': 'PLAINTEXT',
    'listener.security.protocol.map': 'PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
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
    'share.coordinator.state.topic.replication.factor': rf,
    'share.coordinator.state.topic.min.isr': minIsr,
    // Tests and local runs form groups all the time; nobody wants to wait 3 s for each one.
    'group.initial.rebalance.delay.ms': 0,
    'transaction.max.timeout.ms': 900_000,
    'log.retention.check.interval.ms': 60_000,
    'unclean.leader.election.enable': false,
  };
  return `# Written by deploy/kafka-local; edits are overwritten on the next start.\n${Object.entries(settings)
    .map(([key, value]) => `${key}=${value}`)
    .join('\n')}\n`;
}
