export {
  ensureLocalKafka,
  stopLocalKafka,
  localKafkaStatus,
  localKafkaLogFiles,
  runKafkaTool,
  type LocalKafkaHandle,
  type KafkaToolResult,
} from './local-kafka.js';
export {
  resolveKafkaLocalOptions,
  bootstrapServers,
  KafkaLocalOptionsSchema,
  type KafkaLocalOptions,
  type KafkaLocalOptionsInput,
} from './kafka-local.options.js';
