import { EventEmitter, once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { isDeadEnd, isRefusedLogin, retryDelayUnlessRefused } from './platformatic.errors.js';

/** Errors shaped as @platformatic/kafka reports them: a protocol error's apiId, a network error's code, nested in MultipleErrors. */
const protocolError = (apiId: string) => Object.assign(new Error(`Received response with error: ${apiId}`), { apiId });
const networkError = () => Object.assign(new Error('Connection to 127.0.0.1:9093 refused'), { code: 'PLT_KFK_NETWORK', canRetry: true });
const multiple = (...errors: Error[]) => Object.assign(new Error('operation failed 2 times.'), { errors });

describe('isDeadEnd: which library errors a retry against the same cached node cannot get past', () => {
  it('a refused connection or a moved coordinator is a dead end for calls that go to a cached node', () => {
    expect(isDeadEnd(networkError(), 'send')).toBe(true);
    expect(isDeadEnd(protocolError('NOT_COORDINATOR'), 'endTransaction')).toBe(true);
    expect(isDeadEnd(multiple(protocolError('COORDINATOR_NOT_AVAILABLE')), 'commit')).toBe(true);
    expect(isDeadEnd(protocolError('COORDINATOR_NOT_AVAILABLE'))).toBe(true);
  });

  it('the coordinator lookup itself is retried: COORDINATOR_NOT_AVAILABLE there is a coordinator not elected or loaded yet (regression: a fresh cluster failed the first enqueue with 503)', () => {
    expect(isDeadEnd(protocolError('COORDINATOR_NOT_AVAILABLE'), 'findCoordinator')).toBe(false);
    expect(isDeadEnd(multiple(networkError(), protocolError('COORDINATOR_NOT_AVAILABLE')), 'findCoordinator')).toBe(false);
  });

  it('other broker answers are left to the library to retry or to fail', () => {
    expect(isDeadEnd(protocolError('CONCURRENT_TRANSACTIONS'), 'addPartitionsToTransaction')).toBe(false);
    expect(isDeadEnd(protocolError('INVALID_TXN_STATE'), 'endTransaction')).toBe(false);
    expect(isDeadEnd(Object.assign(new Error('closed'), { code: 'PLT_KFK_NETWORK', canRetry: false }), 'send')).toBe(false);
  });
});

describe('retryDelayUnlessRefused: a refused login is not retried', () => {
  // How the library reports a refused SCRAM login: a retriable connection error caused by a non-retriable AuthenticationError.
  const refusedLogin = () =>
    Object.assign(new Error('Connection to 127.0.0.1:9094 failed.'), {
      code: 'PLT_KFK_NETWORK',
      canRetry: true,
      cause: Object.assign(new Error('SASL authentication failed.'), { code: 'PLT_KFK_AUTHENTICATION', canRetry: false }),
    });

  it('finds the refusal under a connection error, in MultipleErrors, or as the broker\'s SASL_AUTHENTICATION_FAILED', () => {
    expect(isRefusedLogin(refusedLogin())).toBe(true);
    expect(isRefusedLogin(multiple(networkError(), refusedLogin()))).toBe(true);
    expect(isRefusedLogin(protocolError('SASL_AUTHENTICATION_FAILED'))).toBe(true);
    expect(isRefusedLogin(networkError())).toBe(false);
  });

  it("cancels the library's armed retry (emits 'client:close' after it) on a refused login, and leaves other errors to the delay", async () => {
    const client = new EventEmitter();
    expect(retryDelayUnlessRefused(client, networkError(), 200)).toBe(200);
    const closed = once(client, 'client:close');
    expect(retryDelayUnlessRefused(client, refusedLogin(), 200)).toBeGreaterThan(200);
    await closed;
  });
});
