export {
  ensureLocalKafka,
  stopLocalKafka,
  signalLocalKafkaNode,
  localKafkaStatus,
  localKafkaLogFiles,
  runKafkaTool,
  securedKafkaConnections,
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
export { generateCa, type SecuredConnections } from './secured-material.js';
/** Pieces the other local JVM services (deploy/schema-registry) share with the broker's. */
export { javaBinary, requireJava, requireMaven } from './java-toolchain.js';
export { livePidOf, portIsFree, fileTail } from './broker-process.js';
export { reportCliError, printLogTails } from './cli-support.js';
export { resolveLocalServiceOptions, type LocalServiceSettings } from './local-service.options.js';
