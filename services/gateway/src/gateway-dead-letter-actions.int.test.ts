import { afterAll, beforeAll, describe, expect, it, onTestFinished, vi } from 'vitest';
import { workerGroup } from '@switchyard/kafka';
import { testClient, uniqueName } from '@switchyard/testing';
import { createWorker, UnrecoverableError } from '@switchyard/worker';
import { startTestGateway, type TestGateway } from './gateway.test-support.js';

let gw: TestGateway;

beforeAll(async () => {
  gw = await startTestGateway();
});
afterAll(async () => gw?.close());

const total = async () => (await gw.call('GET', '/data/dead-letters', { key: gw.adminKey })).body.pagination.total as number;

describe('gateway: dead-letter redrive and purge (admin, through the ops engine)', () => {
  it('refuses bad bodies naming the field and non-admin credentials; dry-runs, redrives one id (the task runs), then purges the rest', async () => {
    const tenantKey = await gw.key('acme', ['tasks:write', 'tasks:read']);
    const tenantAdmin = await gw.key('acme', ['admin']);
    const redrive = (body: unknown, key = gw.adminKey) => gw.call('POST', '/data/dead-letters/redrive', { key, body });

    // Input and access are checked before the engine runs.
    expect((await redrive({ queue: gw.queue }, tenantKey)).status).toBe(403);
    expect((await gw.call('POST', '/data/dead-letters/purge', { key: tenantKey, body: { queue: gw.queue } })).body).toMatchObject({ code: 'SY_FORBIDDEN' });
    expect((await gw.call('POST', '/data/dead-letters/purge', { key: tenantAdmin, body: { queue: gw.queue } })).body).toMatchObject({ code: 'SY_FORBIDDEN' });
    expect((await redrive({ queue: gw.queue, tenant: 'globex' }, tenantAdmin)).body).toMatchObject({ code: 'SY_FORBIDDEN', field: 'tenant' });
    for (const [body, field] of [
      [{}, 'queue'],
      [{ queue: gw.queue, subscription: 'mailer' }, 'queue'],
      [{ queue: gw.queue, limit: 0 }, 'limit'],
      [{ queue: gw.queue, since: 'yesterday' }, 'since'],
      [{ queue: gw.queue, ids: [] }, 'ids'],
      [{ queue: gw.queue, coordinates: [{ partition: 0, offset: 3 }] }, 'coordinates[0].offset'],
      [{ queue: gw.queue, dryRun: 'yes' }, 'dryRun'],
      [{ queue: gw.queue, type: 'user.created' }, 'type'],
      [{ queue: gw.queue, colour: 'red' }, 'body'],
      [{ queue: 'no-such-queue' }, 'queue'],
      [{ subscription: 'no-such-subscription' }, 'subscription'],
    ] as const) {
      const { status, body: error } = await redrive(body);
      expect({ body, status, code: error.code, field: error.field }).toEqual({ body, status: 400, code: 'SY_INVALID_ARGUMENT', field });
    }

    const { body: created } = await gw.call('POST', '/data/tasks/batch', {
      key: tenantKey,
      body: {
        items: [
          ...Array.from({ length: 3 }, (_, i) => ({ type: 'send_email', payload: { to: `u${i}@example.com`, subject: 'dead' } })),
          { type: 'resize_image', payload: { url: 'https://example.com/a.png', width: 10 } },
        ],
      },
    });
    const ids = created.data.map((r: { id: string }) => r.id) as string[];
    let healed = false;
    const ran: string[] = [];
    const client = testClient();
    const name = uniqueName('gw-redrive-worker');
    const fail = () => {
      throw new UnrecoverableError('dead until healed');
    };
    const worker = createWorker(client, { config: { name, queues: [gw.queue] } }, {
      send_email: async (task) => (healed ? void ran.push(task.id) : fail()),
      resize_image: async () => fail(),
    });
    onTestFinished(async () => {
      await worker.close();
      const admin = client.admin();
      await admin.connect();
      await admin.deleteGroups([workerGroup(name)]).finally(() => admin.disconnect());
    });
    await worker.start();
    await vi.waitFor(async () => expect(await total()).toBe(4), { timeout: 60_000, interval: 500 });

    const dry = await redrive({ queue: gw.queue, type: 'send_email', dryRun: true });
    expect(dry.status).toBe(200);
    expect(dry.body.data).toMatchObject({ queue: gw.queue, dryRun: true, matched: 3, wouldRedrive: 3, redriven: 0, skippedReasons: { alreadyRedrivenOrPurged: 0, notADeadLetter: 0, overLimit: 0 } });
    expect(new Set(dry.body.data.ids)).toEqual(new Set(ids.slice(0, 3)));
    expect(await total()).toBe(4);

    healed = true;
    const done = await redrive({ queue: gw.queue, ids: [ids[0]] });
    expect(done.body.data).toMatchObject({ dryRun: false, matched: 1, wouldRedrive: 1, redriven: 1, ids: [ids[0]] });
    expect(Object.values(done.body.data.targets)).toEqual([1]);
    await vi.waitFor(() => expect(ran).toEqual([ids[0]]), { timeout: 30_000, interval: 200 });
    expect(await total()).toBe(3);
    // By coordinates (as GET /data/dead-letters shows them): a dry run picks exactly that entry.
    const listed = (await gw.call('GET', '/data/dead-letters?type=resize_image', { key: gw.adminKey })).body.data[0];
    const at = await redrive({ queue: gw.queue, coordinates: [{ topic: listed.topic, partition: listed.partition, offset: listed.offset }], dryRun: true });
    expect(at.body.data).toMatchObject({ matched: 1, wouldRedrive: 1, ids: [ids[3]] });
    // Redriven entries are skipped by a second redrive.
    expect((await redrive({ queue: gw.queue, ids: [ids[0]] })).body.data).toMatchObject({ matched: 1, redriven: 0, skippedReasons: { alreadyRedrivenOrPurged: 1 } });

    const purged = await gw.call('POST', '/data/dead-letters/purge', { key: gw.adminKey, body: { queue: gw.queue } });
    expect(purged).toMatchObject({ status: 200, body: { data: { queue: gw.queue, purged: 3 } } });
    expect(await total()).toBe(0);
    expect((await gw.call('GET', '/data/dead-letters', { key: tenantKey })).body.data).toEqual([]);
    expect(ran).toEqual([ids[0]]);
  });
});
