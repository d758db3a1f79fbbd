/** @switchyard/testing: helpers for tests that talk to the real broker (STYLE.md #2, #11). */
export { testBrokers, uniqueName, testClient, testAdmin, type TestAdmin } from './test-kafka.js';
export { collectTopics, type TopicCollector } from './topic-collector.js';
export { PROMTOOL_MISSING, promtoolAvailable, promtoolCheckMetrics, type PromtoolVerdict } from './promtool.js';
export { recordGroups, groupsLeft, type GroupRecordingClient } from './group-litter.js';
export { testSecuredKafka, externalSecuredKafkaGiven, foreignCa } from './secured-kafka.js';
export { asIncoming, deadEventRecord, type DeadEventSpec } from './dead-event-records.js';
export { inMemoryTransactions, type CommittedTransaction, type InMemoryTransactions, type TransactionStep } from './in-memory-transactions.js';
export { setupEvents } from './test-events.js';
export { TcpProxy, type TcpProxyCounts } from './faults/tcp-proxy.js';
export { injectNetworkFaults, progressed, startFaultBroker, type FaultBroker, type FaultBrokerSpec } from './faults/fault-broker.js';
