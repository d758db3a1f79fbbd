/**
 * The AsyncAPI 3 document of what the gateway streams and what it reads: the Kafka topics (task
 * status, one event domain per type's domain, with their CloudEvents headers and each event
 * type's payload) and the stream endpoints (SSE and WebSocket messages, the WebSocket commands).
 * Served at GET /api/v1/asyncapi.json; built from the same catalogs the code uses.
 */
import { z } from 'zod';
import { CLOUDEVENT_HEADERS, eventDomain, LANES, TaskStatusRecordSchema } from '@switchyard/kafka';
import { apiPathOf, type RestServerConfig } from '@switchyard/protocol';
import type { TypeRegistry } from '../resources/type-definitions.js';
import { StreamCommandSchema } from './stream-request.js';

type Json = Record<string, unknown>;

/** A zod schema as an AsyncAPI (JSON Schema draft-07 compatible) schema. */
function schemaOf(schema: z.ZodType): Json {
  const { $schema: _drop, ...rest } = z.toJSONSchema(schema, { target: 'draft-7', unrepresentable: 'any', io: 'output' }) as Json;
  return rest;
}

const str = (description: string): Json => ({ type: 'string', description });

const CLOUDEVENT_HEADERS_SCHEMA: Json = {
  type: 'object',
  required: [CLOUDEVENT_HEADERS.specversion, CLOUDEVENT_HEADERS.id, CLOUDEVENT_HEADERS.source, CLOUDEVENT_HEADERS.type, CLOUDEVENT_HEADERS.time],
  properties: {
    [CLOUDEVENT_HEADERS.specversion]: { type: 'string', const: '1.0' },
    [CLOUDEVENT_HEADERS.id]: str('Event id'),
    [CLOUDEVENT_HEADERS.source]: str('Who emitted it'),
    [CLOUDEVENT_HEADERS.type]: str('Event name, e.g. user.created'),
    [CLOUDEVENT_HEADERS.time]: { type: 'string', format: 'date-time' },
    [CLOUDEVENT_HEADERS.contentType]: str('application/json, or application/vnd.confluent.json (schema registry wire format)'),
    [CLOUDEVENT_HEADERS.dataschema]: str('Schema of the data (schema registry subject/version)'),
    [CLOUDEVENT_HEADERS.tenantid]: str('Tenant (also the record key: a tenant keeps its order)'),
    [CLOUDEVENT_HEADERS.userid]: str('User the event is about (streams with userFilter match it)'),
    [CLOUDEVENT_HEADERS.priority]: { type: 'string', enum: [...LANES] },
    [CLOUDEVENT_HEADERS.correlationid]: str('Correlation id of a causal chain'),
    [CLOUDEVENT_HEADERS.causationid]: str('Id of the event that caused this one'),
    [CLOUDEVENT_HEADERS.traceparent]: str('W3C trace context'),
  },
};

const ID = str('The stream position after this message (base64url of the Kafka topic/partition/offset vector): send it back as Last-Event-ID (SSE) or lastEventId (WebSocket) to resume without a gap');

function streamMessages(types: TypeRegistry): Record<string, Json> {
  const eventData = (payload: Json): Json => ({
    type: 'object',
    required: ['id', 'name', 'source', 'time', 'priority', 'payload'],
    properties: { id: { type: 'string' }, name: { type: 'string' }, source: { type: 'string' }, time: { type: 'string', format: 'date-time' }, priority: { type: 'string' }, tenantId: { type: 'string' }, userId: { type: 'string' }, correlationId: { type: 'string' }, causationId: { type: 'string' }, payload, contentType: str('Set when the payload is not JSON: payload is then base64') },
  });
  const payloads = types.eventTypes.map((t) => schemaOf(t.payload));
  const frame = (type: string, data: Json, withId: boolean): Json => ({ type: 'object', required: ['type', 'data', ...(withId ? ['id'] : [])], properties: { type: { type: 'string', const: type }, ...(withId ? { id: ID } : {}), data } });
  return {
    event: { name: 'event', title: 'An event', summary: 'An event of a subscribed pattern or channel (SSE event: event)', payload: frame('event', eventData(payloads.length > 0 ? { oneOf: payloads } : {}), true) },
    taskStatus: { name: 'task.status', title: 'A task status change', summary: 'queued, processing, retry, completed, dead... of a subscribed task (SSE event: task.status)', payload: frame('task.status', schemaOf(TaskStatusRecordSchema), true) },
    ready: { name: 'ready', title: 'Stream ready', summary: 'First message: who the stream is for, what it subscribed, whether it resumed', payload: frame('ready', { type: 'object', properties: { clientId: { type: 'string' }, tenant: { type: ['string', 'null'] }, user: { type: ['string', 'null'] }, subscription: { type: 'object' }, resumed: { type: 'boolean' }, channels: { type: 'array', items: { type: 'string' } } } }, true) },
    gap: { name: 'gap', title: 'Records lost to retention', summary: 'A resume asked for records the topic no longer keeps', payload: frame('gap', { type: 'object', properties: { topic: { type: 'string' }, partition: { type: 'integer' }, from: { type: 'string' }, to: { type: 'string' }, reason: { type: 'string' } } }, false) },
    dropped: { name: 'dropped', title: 'Stream ended by the server', summary: 'Last message before the server closes the stream; reconnect with lastId to resume', payload: frame('dropped', { type: 'object', required: ['reason', 'lastId'], properties: { reason: { type: 'string', enum: ['slow-client', 'rate-limited', 'shutdown', 'resume-failed'] }, detail: { type: 'string' }, lastId: ID } }, false) },
    subscribed: { name: 'subscribed', title: 'Subscription changed (WebSocket)', payload: frame('subscribed', { type: 'object', properties: { channels: { type: 'array', items: { type: 'string' } }, events: { type: 'array', items: { type: 'string' } }, tasks: { type: 'array', items: { type: 'string' } } } }, false) },
    error: { name: 'error', title: 'A refused command (WebSocket)', payload: frame('error', { type: 'object', properties: { code: { type: 'string' }, message: { type: 'string' }, field: { type: ['string', 'null'] } } }, false) },
    heartbeat: { name: 'heartbeat', title: 'Keep-alive (WebSocket; an SSE comment on SSE)', payload: frame('heartbeat', { type: 'object', properties: { time: { type: 'string' } } }, false) },
    command: { name: 'command', title: 'Subscribe or unsubscribe (WebSocket, client to server)', payload: schemaOf(StreamCommandSchema) },
  };
}

export function asyncApiDocument(config: RestServerConfig, types: TypeRegistry, gatewayUrl: string): Json {
  const apiPath = apiPathOf(config.api);
  const url = new URL(gatewayUrl);
  const messages = streamMessages(types);
  const ref = (name: string) => ({ $ref: `#/components/messages/${name}` });
  const pushed = ['event', 'taskStatus', 'ready', 'gap', 'dropped'];
  const domains = [...new Set(types.eventTypes.map((t) => eventDomain(t.name)))];
  const eventMessages = Object.fromEntries(
    types.eventTypes.map((t) => [
      t.name.replaceAll('.', '_'),
      { name: t.name, title: t.name, ...(t.description ? { summary: t.description } : {}), contentType: 'application/json', headers: CLOUDEVENT_HEADERS_SCHEMA, payload: schemaOf(t.payload), ...(t.version ? { 'x-version': t.version } : {}) },
    ]),
  );
  const kafkaChannels = Object.fromEntries([
    ['taskStatus', { address: 'tasks.{queue}.status', title: 'Task status (compacted, key: task id)', servers: [{ $ref: '#/servers/kafka' }], parameters: { queue: { description: 'Queue name', enum: [...new Set(types.taskTypes.map((t) => t.queue))] } }, messages: { taskStatusRecord: { name: 'task-status.v1', contentType: 'application/json', payload: schemaOf(TaskStatusRecordSchema) } } }],
    ...domains.map((domain) => [
      `events_${domain}`,
      {
        address: `events.${domain}.{lane}`,
        title: `Events of the ${domain} domain (CloudEvents binary mode, key: tenant)`,
        servers: [{ $ref: '#/servers/kafka' }],
        parameters: { lane: { description: 'Priority lane', enum: [...LANES] } },
        messages: Object.fromEntries(Object.entries(eventMessages).filter(([, m]) => eventDomain(m.name) === domain).map(([key]) => [key, { $ref: `#/components/messages/${key}` }])),
      },
    ]),
  ]);
  return {
    asyncapi: '3.0.0',
    info: { title: `${config.api.documentation.title} streams`, version: config.api.version, description: 'Task status changes and events pushed to clients (SSE, WebSocket), and the Kafka topics they come from. Streams are scoped to the credential (tenant, user); ids encode the Kafka position for gapless resume.' },
    defaultContentType: 'application/json',
    servers: {
      gateway: { host: url.host, protocol: url.protocol.replace(':', ''), pathname: apiPath, description: 'The gateway (SSE over HTTP)', security: [{ $ref: '#/components/securitySchemes/bearer' }] },
      gatewayWs: { host: url.host, protocol: url.protocol === 'https:' ? 'wss' : 'ws', pathname: apiPath, description: 'The gateway (WebSocket)', security: [{ $ref: '#/components/securitySchemes/bearer' }] },
      kafka: { host: 'kafka:9092', protocol: 'kafka', description: 'The Kafka cluster the gateway reads (its address is deployment-specific)' },
    },
    channels: {
      sse: { address: '/stream', title: 'Server-Sent Events stream', servers: [{ $ref: '#/servers/gateway' }], messages: Object.fromEntries(pushed.map((m) => [m, ref(m)])) },
      websocket: { address: '/stream/ws', title: 'WebSocket stream', servers: [{ $ref: '#/servers/gatewayWs' }], messages: Object.fromEntries([...pushed, 'subscribed', 'error', 'heartbeat', 'command'].map((m) => [m, ref(m)])) },
      ...kafkaChannels,
    },
    operations: {
      pushSse: { action: 'send', title: 'Push to SSE clients', channel: { $ref: '#/channels/sse' }, messages: pushed.map((m) => ({ $ref: `#/channels/sse/messages/${m}` })) },
      pushWebSocket: { action: 'send', title: 'Push to WebSocket clients', channel: { $ref: '#/channels/websocket' }, messages: [...pushed, 'subscribed', 'error', 'heartbeat'].map((m) => ({ $ref: `#/channels/websocket/messages/${m}` })) },
      receiveCommand: { action: 'receive', title: 'Subscribe/unsubscribe commands', channel: { $ref: '#/channels/websocket' }, messages: [{ $ref: '#/channels/websocket/messages/command' }] },
      readTaskStatus: { action: 'receive', title: 'Read task status changes', channel: { $ref: '#/channels/taskStatus' } },
      ...Object.fromEntries(domains.map((d) => [`read_${d}`, { action: 'receive', title: `Read ${d} events`, channel: { $ref: `#/channels/events_${d}` } }])),
    },
    components: {
      messages: { ...messages, ...eventMessages },
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', description: 'An API key (sy_...) or a JWT; browsers pass it as ?access_token= (EventSource cannot send headers)' },
      },
    },
  };
}
