/**
 * The port contract: every adapter behind `KafkaClient` runs these same tests on the real broker
 * (issue 10: "batch semantics defined by the port and tested on every adapter"). Adapters come
 * from `KAFKA_PORT_TEST_CLIENTS` (comma list) or, when unset, every adapter this build registers.
 * Where an adapter is known to differ (kafkajs cannot fence, nor await revocation), the test
 * asserts the adapter's row of CAPABILITIES either way instead of skipping.
 */
import { describe } from 'vitest';
import { adminContract } from './port-contract/admin.contract.test-support.js';
import { clientsUnderTest } from './port-contract/contract-kit.test-support.js';
import { consumptionContract } from './port-contract/consumption.contract.test-support.js';
import { groupContract } from './port-contract/group.contract.test-support.js';
import { recordsContract } from './port-contract/records.contract.test-support.js';

// A test waits at most WAIT.timeout (20 s) per condition; a hung adapter fails in 45 s, not 120.
describe.each(clientsUnderTest())('KafkaClient port contract on %s', { timeout: 45_000 }, (name) => {
  describe('records and batches', () => recordsContract(name));
  describe('resolving, seeking and pausing', () => consumptionContract(name));
  describe('consumer groups', () => groupContract(name));
  describe('assignment and admin', () => adminContract(name));
});
