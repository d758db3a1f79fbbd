/**
 * @switchyard/kafka: the Kafka client behind a narrow interface, the catalog of topic, header,
 * group and metric names, topology management, the Java-compatible tenant partitioner and the
 * versioned message envelope. The lib's only public door.
 */
export { hideSettingsSecrets, kafkaSettingsFromEnv, KafkaEnvSchema, type KafkaConnectionSettings } from './client/kafka.options.js';
export { createKafkajsClient } from './client/kafkajs.adapter.js';
export { createKafkaClient } from './client/create-kafka-client.js';
export { DEFAULT_KAFKA_CLIENT, KAFKA_CLIENTS, type KafkaClientName } from './client/kafka.options.js';
export { connectionSecurityWarnings } from './client/connection-security.js';
export { scanTopics } from './client/topic-scan.js';
export { batchRecords } from './client/batch-records.js';
export { StateTopics } from './client/state-topics.js';
export { TransactionalSender, type TransactionalSenderOptions, type RecordLabeller } from './client/transactional-sender.js';
export { EncodedRecords, ExtraHeaders, type EncodedHeader, type EncodedRecordsData } from './client/records/encoded-records.js';
export type {
  AdminPort,
  BatchControl,
  ConsumerOptions,
  ConsumerPort,
  ConsumerRunOptions,
  EncodedRecordList,
  GroupAssignment,
  ConsumerGroupMetadata,
  GroupDescription,
  GroupMember,
  HeaderValue,
  IncomingRecord,
  KafkaClient,
  OutgoingRecord,
  PartitionOffset,
  PartitionDescription,
  PartitionOffsets,
  RawRecordCursor,
  RawRecords,
  ProducerOptions,
  ProducerPort,
  RecordAck,
  RecordBatch,
  TopicDescription,
  TopicPartitionOffset,
  TopicPartitions,
  TopicRecords,
  TopicSpec,
  TransactionPort,
} from './client/kafka-client.port.js';
export {
  LANES,
  RETRY_TIERS,
  TOPIC_PREFIX,
  EVENT_LOG_TOPIC,
  laneTopic,
  laneTopics,
  laneFetchRank,
  retryTopic,
  taskDlqTopic,
  queueDlqTopic,
  QUEUE_REGISTRY_TOPIC,
  WEBHOOK_DELIVERIES_TOPIC,
  taskStatusTopic,
  taskCancelTopic,
  taskDlqRedrivenTopic,
  eventDomain,
  eventTopic,
  eventDlqTopic,
  parseEventDlqTopic,
  eventLaneTopic,
  eventTopics,
  eventTopicRegExp,
  parseEventTopic,
  subscriptionRetryTopic,
  subscriptionReplayTopic,
  subscriptionDedupTopic,
  parseSubscriptionTopic,
  stateTopic,
  parseTaskTopic,
  type RetryTier,
  type StateKind,
  type ParsedTopic,
} from './catalog/topic-names.js';
export { TASK_HEADERS, DLQ_HEADERS, REPLAY_HEADERS, CLOUDEVENT_HEADERS, EVENT_HEADERS, type TaskHeaderName } from './catalog/header-names.js';
export { workerGroup, retryRelayGroup, subscriptionGroup, replayGroup, routeGroup } from './catalog/group-names.js';
export { schedulerGroup, schedulerTransactionalId, schedulerFollowGroup } from './catalog/group-names.js';
export { schedulerJobsTopic, schedulerLogTopic } from './catalog/topic-names.js';
export { compilePattern, EventPatternSchema, topicsOfPatterns, type CompiledPattern } from './catalog/event-pattern.js';
export { SCHEDULER_HEADERS } from './catalog/header-names.js';
export { METRICS } from './catalog/metric-names.js';
export { QueueTopologyOptionsSchema, type QueueTopologyOptions, type QueueTopologyOptionsInput } from './topology/topology.options.js';
export { planQueueTopology } from './topology/queue-topology.js';
export { ensureTopics, type TopologyDrift, type TopologyReport, type EnsureTopicsOptions } from './topology/ensure-topics.js';
export { ensureTopology } from './topology/ensure-topology.js';
export { createTenantPartitioner, partitionForKey } from './partitioner/tenant-partitioner.js';
export {
  TASK_ENVELOPE_V1,
  encodeTaskEnvelope,
  decodeTaskEnvelope,
  recordSizeBytes,
  taskMetadataOf,
  type TaskEnvelope,
  type BatchOptions,
  type DecodeResult,
} from './envelope/task-envelope.v1.js';
export { createLogger, kafkajsLogCreator, type Logger } from './logging/logger.js';
export { runService, SERVICE_EXIT, type RunServiceOptions, type ServiceProcess } from './logging/service-process.js';
export { DEAD_LETTER_V1, encodeDeadLetter, decodeDeadLetter, originalHeaders, type DeadLetterInfo } from './envelope/dead-letter.v1.js';
export { QUEUE_REGISTRATION_V1, QueueRegistrationSchema, encodeQueueRegistration, decodeQueueRegistration, type QueueRegistration } from './envelope/queue-registration.v1.js';
export { decodeJsonValue } from './envelope/json-value.js';
export { TASK_STATUS_V1, TaskStatusRecordSchema, encodeTaskStatus, decodeTaskStatus, type TaskStatusRecord } from './envelope/task-status.v1.js';
export {
  CLOUDEVENTS_SPEC_VERSION,
  JSON_CONTENT_TYPE,
  CONFLUENT_JSON_CONTENT_TYPE,
  encodeEventRecord,
  decodeEventRecord,
  type EventAttributes,
  type EventRecordDecode,
} from './envelope/cloud-event.v1.js';
export { throwawayConsumer, type ThrowawayConsumerOptions } from './client/throwaway-consumer.js';
export { throwawayGroup, type ThrowawayGroupPurpose } from './catalog/group-names.js';
export type { GroupDeletionRefusal } from './client/kafka-client.port.js';
