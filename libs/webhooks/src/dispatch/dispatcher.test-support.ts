import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { onTestFinished } from 'vitest';
import { createLogger, subscriptionGroup } from '@switchyard/kafka';
import { setupEvents, uniqueName } from '@switchyard/testing';
import type { WebhookDispatcherDeps } from './webhook-dispatcher.js';
import { WebhookDispatcher } from './webhook-dispatcher.js';
import type { WebhookDispatcherOptionsInput } from './dispatcher.options.js';
import { WebhookEndpointRegistry } from '../registry/endpoint-registry.js';
import { webhookSubscriptionName } from './subscription-name.js';

/** One request a receiver got. */
export interface Received {
  readonly headers: http.IncomingHttpHeaders;
  readonly body: string;
  readonly at: number;
}

/** How a receiver answers: a status (and headers), or `hang` (never answers). */
export type Answer = { readonly status: number; readonly headers?: Record<string, string>; readonly delayMs?: number } | 'hang';

/** An HTTP receiver on 127.0.0.1 that records every request and answers what `answer` says. */
export async function receiver(answer: (request: Received, index: number) => Answer = () => ({ status: 204 })) {
  const received: Received[] = [];
  const hanging = new Set<http.ServerResponse>();
  const state = { inFlight: 0 };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const request = { headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), at: Date.now() };
      received.push(request);
      const a = answer(request, received.length - 1);
      if (a === 'hang') return void hanging.add(res);
      state.inFlight++;
      setTimeout(() => {
        state.inFlight--;
        res.writeHead(a.status, a.headers).end();
      }, a.delayMs ?? 0);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  onTestFinished(async () => {
    for (const res of hanging) res.destroy();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return {
    received,
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    /** Requests received and not answered yet (hanging ones not counted). */
    get inFlight(): number {
      return state.inFlight;
    },
  };
}

/**
 * A fresh event domain, endpoints topic and delivery log topic for one test; dispatchers that close
 * after it; the endpoint ids it hands out get their subscription topics and groups deleted.
 */
export async function setupDispatch() {
  const t = await setupEvents(3);
  const registryTopic = uniqueName('webhooks-endpoints');
  const deliveriesTopic = uniqueName('webhooks-deliveries');
  const ids = new Set<string>();
  const dispatchers: WebhookDispatcher[] = [];
  const registry = new WebhookEndpointRegistry(t.client, { topic: registryTopic });
  onTestFinished(async () => {
    await Promise.all(dispatchers.map((d) => d.close()));
    await registry.disconnect();
    const subs = [...ids].map(webhookSubscriptionName);
    const ours = (await t.admin.listTopics()).filter((topic) => topic === registryTopic || topic === deliveriesTopic || subs.some((n) => topic.startsWith(`switchyard.subscription.${n}.`) || topic.endsWith(`.dlq.${n}`)));
    t.admin.deleteAfterTest(ours);
    t.admin.deleteGroupsAfterTest(subs.map(subscriptionGroup));
  });
  return {
    ...t,
    registry,
    registryTopic,
    deliveriesTopic,
    /** An endpoint id only this test uses. */
    endpointId(prefix = 'ep'): string {
      const id = `${prefix}-${randomUUID().slice(0, 8)}`;
      ids.add(id);
      return id;
    },
    dispatcher(options: WebhookDispatcherOptionsInput = {}, deps: WebhookDispatcherDeps = {}): WebhookDispatcher {
      const d = new WebhookDispatcher(
        t.client,
        { registryTopic, deliveriesTopic, deliveriesPartitions: 3, startFrom: 'earliest', reconcileIntervalMs: 200, ssrf: { allow: ['127.0.0.1/32'] }, ...options },
        { log: createLogger('webhooks-test', { level: process.env.LOG_LEVEL ?? 'error' }), topology: { partitions: 3 }, ...deps },
      );
      dispatchers.push(d);
      return d;
    },
  };
}
