import { Parser, DiagnosticSeverity } from '@asyncapi/parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStreamGateway, streamTopics, type StreamGateway, type StreamTopics } from './stream.test-support.js';

/** GET /api/v1/asyncapi.json is a valid AsyncAPI 3 document (the official parser) of the streams and the topics behind them; the example page is served. */
let topics: StreamTopics;
let gw: StreamGateway;

beforeAll(async () => {
  topics = await streamTopics();
  gw = await startStreamGateway(topics);
});
afterAll(async () => {
  await gw?.stop();
  await topics?.cleanup();
});

describe('gateway: AsyncAPI document', () => {
  it('is public, parses without errors with @asyncapi/parser, and names the streams, topics, headers and event types', async () => {
    const response = await fetch(`${gw.api}/asyncapi.json`);
    expect(response.status).toBe(200);
    const raw = await response.text();
    const { document, diagnostics } = await new Parser().parse(raw);
    expect(diagnostics.filter((d) => d.severity === DiagnosticSeverity.Error)).toEqual([]);
    expect(document).toBeDefined();
    expect(document!.version()).toBe('3.0.0');
    const channels = document!.channels().all().map((c) => c.address());
    expect(channels).toEqual(expect.arrayContaining(['/stream', '/stream/ws', 'tasks.{queue}.status', `events.${topics.domain}.{lane}`]));
    const messages = document!.allMessages().all().map((m) => m.name());
    expect(messages).toEqual(expect.arrayContaining(['event', 'task.status', 'ready', 'dropped', 'command', `${topics.domain}.greeted`, `${topics.domain}.bulk`]));
    const greeted = document!.allMessages().all().find((m) => m.name() === `${topics.domain}.greeted`)!;
    expect(Object.keys(greeted.headers()!.properties() ?? {})).toEqual(expect.arrayContaining(['ce_id', 'ce_type', 'ce_tenantid', 'ce_userid']));
    expect(Object.keys(greeted.payload()!.properties() ?? {})).toEqual(['n', 'who']);
  });

  it('GET /stream-example serves the page that enqueues a task and watches it on the stream', async () => {
    const response = await fetch(`${gw.url}/stream-example`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await response.text();
    expect(html).toContain("new EventSource(api + '/stream?tasks='");
    expect(html).toContain('<option>send_email</option>');
  });
});
