import { SwitchyardError } from '@switchyard/protocol';
import type { AdminPort, TopicSpec } from '../client/kafka-client.port.js';

/** One difference between a declared topic and the topic on the cluster. */
export interface TopologyDrift {
  readonly topic: string;
  /** `partitions`, `replicationFactor`, or a topic config key such as `retention.ms`. */
  readonly setting: string;
  readonly expected: string;
  readonly actual: string;
  /** What an operator can do about it. */
  readonly hint: string;
}

/** What `ensureTopics` found and did. */
export interface TopologyReport {
  readonly created: readonly string[];
  readonly unchanged: readonly string[];
  readonly drift: readonly TopologyDrift[];
}

export interface EnsureTopicsOptions {
  /** `report` (default) returns drift in the report; `throw` fails with SY_TOPOLOGY_DRIFT. */
  readonly onDrift?: 'report' | 'throw';
}

function partitionHint(expected: number, actual: number, topic: string): string {
  return actual < expected
    ? `Add partitions with \`kafka-topics --alter --topic ${topic} --partitions ${expected}\` (keys then move: drain the topic first if order matters).`
    : `Kafka cannot remove partitions; lower the declared count to ${actual} or recreate the topic.`;
}

/**
 * Creates the topics that are missing and compares the ones that exist against their spec.
 * Idempotent: running it again on an unchanged cluster creates nothing and reports no drift.
 * Existing topics are never altered; differences come back as drift.
 */
export async function ensureTopics(admin: AdminPort, specs: readonly TopicSpec[], options: EnsureTopicsOptions = {}): Promise<TopologyReport> {
  const created = await admin.createTopics(specs);
  const existing = specs.filter((s) => !created.includes(s.topic));
  const drift: TopologyDrift[] = [];
  if (existing.length > 0) {
    const names = existing.map((s) => s.topic);
    const [descriptions, configs] = await Promise.all([admin.describeTopics(names), admin.describeTopicConfigs(names)]);
    for (const spec of existing) {
      const description = descriptions.find((d) => d.topic === spec.topic);
      const partitions = description?.partitions.length ?? 0;
      if (partitions !== spec.numPartitions) {
        drift.push({ topic: spec.topic, setting: 'partitions', expected: String(spec.numPartitions), actual: String(partitions), hint: partitionHint(spec.numPartitions, partitions, spec.topic) });
      }
      const replicas = description?.partitions[0]?.replicas.length ?? 0;
      if (replicas !== spec.replicationFactor) {
        drift.push({ topic: spec.topic, setting: 'replicationFactor', expected: String(spec.replicationFactor), actual: String(replicas), hint: 'Change replicas with kafka-reassign-partitions, or declare the replication factor the topic has.' });
      }
      const actualConfigs = configs[spec.topic] ?? {};
      for (const [key, expected] of Object.entries(spec.configs)) {
        const actual = actualConfigs[key] ?? '(unset)';
        if (actual !== expected) {
          drift.push({ topic: spec.topic, setting: key, expected, actual, hint: `Set it with \`kafka-configs --alter --entity-type topics --entity-name ${spec.topic} --add-config ${key}=${expected}\`.` });
        }
      }
    }
  }
  const report: TopologyReport = { created, unchanged: existing.map((s) => s.topic), drift };
  if (drift.length > 0 && options.onDrift === 'throw') {
    throw new SwitchyardError('SY_TOPOLOGY_DRIFT', `Topics differ from the declared topology:\n  ${drift.map((d) => `${d.topic} ${d.setting}: expected ${d.expected}, found ${d.actual}`).join('\n  ')}`, {
      hint: drift[0]!.hint,
      details: { drift },
    });
  }
  return report;
}
