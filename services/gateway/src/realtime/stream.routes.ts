/**
 * The realtime endpoints over the libs/realtime hub: `GET /api/v1/stream` (Server-Sent Events)
 * and `GET /api/v1/stream/ws` (WebSocket with subscribe/unsubscribe messages). Both authenticate
 * like every route (or with `access_token` for browsers), scope the stream to the credential's
 * tenant and user, and resume after `Last-Event-ID` (SSE header) or `lastEventId` (query).
 */
import fastifyWebsocket from '@fastify/websocket';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { apiPathOf, isSwitchyardError, type RestServerConfig } from '@switchyard/protocol';
import { mergeSubscription, type RealtimeHub, type StreamScope } from '@switchyard/realtime';
import type { Authenticator } from '../auth/authenticator.js';
import { errorReply } from '../errors/error-reply.js';
import { envelope } from '../http/envelope.js';
import type { TypeRegistry } from '../resources/type-definitions.js';
import { resumeCursor, streamCredential, streamScope, streamSubscription, StreamCommandSchema, StreamQuerySchema, type StreamQuery } from './stream-request.js';
import { asyncApiDocument } from './asyncapi-document.js';
import { registerExamplePage } from './example-page.js';
import { LongPollSink } from './long-poll.sink.js';
import { SseSink } from './sse.sink.js';
import { WebSocketSink } from './websocket.sink.js';

export interface StreamRouteDeps {
  readonly hub: RealtimeHub;
  readonly authenticator: Authenticator;
  /** The task and event types (for the AsyncAPI document). */
  readonly types: TypeRegistry;
}

/** Longest long-poll wait, ms (under common proxy timeouts). */
const MAX_POLL_WAIT_MS = 55_000;

/** How long an SSE client waits before it reconnects (the `retry:` field), ms. */
const SSE_RETRY_MS = 2_000;

declare module 'fastify' {
  interface FastifyRequest {
    streamScope: StreamScope | undefined;
  }
}

export async function registerStreamRoutes(root: FastifyInstance, config: RestServerConfig, deps: StreamRouteDeps): Promise<void> {
  await root.register(async (app) => {
    await app.register(fastifyWebsocket, { options: { maxPayload: 64 * 1024 } });
    streamRoutes(app, config, deps);
  });
}

function streamRoutes(app: FastifyInstance, config: RestServerConfig, deps: StreamRouteDeps): void {
  const zapp = app.withTypeProvider<ZodTypeProvider>();
  const base = `${apiPathOf(config.api)}/stream`;
  const { hub } = deps;
  app.decorateRequest('streamScope', undefined);
  // The credential can come in the query (EventSource cannot send headers), so the stream routes authenticate themselves, before the upgrade.
  const authenticate = async (request: FastifyRequest) => {
    request.streamScope = streamScope(await streamCredential(deps.authenticator, request.headers, (request.query as Pick<StreamQuery, 'access_token'>).access_token));
  };

  const routes: StreamRoutes = { zapp, config, base, hub, authenticate };
  sseRoute(routes);
  pollRoute(routes);
  registerExamplePage(app, config, deps.types);
  // Public like the OpenAPI document; the server URLs follow the Host the document was asked on.
  app.get(`${apiPathOf(config.api)}/asyncapi.json`, { config: { access: 'public' }, schema: { hide: true } }, async (request) => asyncApiDocument(config, deps.types, `${request.protocol}://${request.host}`));

  websocketRoute(routes);
}

/** What the stream routes share: where they go, the hub, and their own authentication (the credential can come in the query). */
interface StreamRoutes {
  readonly zapp: ReturnType<FastifyInstance['withTypeProvider']>;
  readonly config: RestServerConfig;
  readonly base: string;
  readonly hub: StreamRouteDeps['hub'];
  authenticate(request: FastifyRequest): Promise<void>;
}

/** GET /stream: Server-Sent Events. */
function sseRoute({ zapp, base, hub, authenticate }: StreamRoutes): void {
  zapp.withTypeProvider<ZodTypeProvider>().get(
    base,
    {
      config: { access: 'public' },
      preHandler: authenticate,
      schema: {
        tags: ['realtime'],
        summary: 'Server-Sent Events: task status changes and events of your tenant as they happen',
        description:
          'Each message has `id` (its Kafka position: send it back as Last-Event-ID to resume without a gap), `event` (task.status, event, ready, gap, dropped) and one line of JSON `data`. The AsyncAPI document (GET /api/v1/asyncapi.json) describes every message.',
        querystring: StreamQuerySchema,
      },
    },
    async (request, reply) => {
      const subscription = streamSubscription(hub.policy, request.query, 'query');
      const resumeFrom = resumeCursor(request.headers['last-event-id'], request.query.lastEventId);
      reply.hijack();
      const raw = reply.raw;
      raw.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache, no-transform', connection: 'keep-alive', 'x-accel-buffering': 'no' });
      raw.write(`retry: ${SSE_RETRY_MS}\n\n`);
      raw.socket?.setNoDelay(true);
      const client = hub.connect({ scope: request.streamScope!, subscription, sink: new SseSink(raw), ...(resumeFrom ? { resumeFrom } : {}) });
      raw.once('close', () => client.closed());
    },
  );

}

/** GET /stream/poll: long polling. */
function pollRoute({ zapp, config, base, hub, authenticate }: StreamRoutes): void {
  zapp.withTypeProvider<ZodTypeProvider>().get(
    `${base}/poll`,
    {
      config: { access: 'public' },
      preHandler: authenticate,
      schema: {
        tags: ['realtime'],
        summary: 'Long polling: the next messages after lastEventId (waits up to waitMs for one)',
        description: 'Answers as soon as a message is there (with whatever came in the same batch), else after waitMs with none. Poll again with the returned lastEventId: nothing is missed or repeated.',
        querystring: StreamQuerySchema.extend({ waitMs: z.coerce.number().int().min(0).max(MAX_POLL_WAIT_MS).default(25_000).describe('Longest wait for a message, ms') }),
      },
    },
    async (request) => {
      const subscription = streamSubscription(hub.policy, request.query, 'query');
      const resumeFrom = resumeCursor(request.headers['last-event-id'], request.query.lastEventId);
      let settle!: () => void;
      const settled = new Promise<void>((resolve) => (settle = resolve));
      const sink = new LongPollSink(settle);
      const client = hub.connect({ scope: request.streamScope!, subscription, sink, ...(resumeFrom ? { resumeFrom } : {}) });
      const timer = setTimeout(settle, request.query.waitMs);
      request.raw.once('close', settle);
      await settled;
      clearTimeout(timer);
      const lastEventId = [...sink.frames].reverse().find((f) => f.id !== undefined)?.id ?? (client.state === 'catching-up' ? resumeFrom!.encode() : client.cursor().encode());
      client.closed();
      return envelope(config.api, request, { messages: sink.frames.map((f) => ({ type: f.type, ...(f.id === undefined ? {} : { id: f.id }), data: f.data })), lastEventId });
    },
  );

}

/** GET /stream/ws: the WebSocket stream with subscribe/unsubscribe messages. */
function websocketRoute({ zapp, base, hub, authenticate }: StreamRoutes): void {
  zapp.withTypeProvider<ZodTypeProvider>().get(
    `${base}/ws`,
    { websocket: true, config: { access: 'public' }, preValidation: authenticate, schema: { hide: true, querystring: StreamQuerySchema } },
    (socket, request) => {
      const send = (body: unknown) => socket.send(JSON.stringify(body));
      let client;
      try {
        const subscription = streamSubscription(hub.policy, request.query, 'query');
        const resumeFrom = resumeCursor(undefined, request.query.lastEventId);
        client = hub.connect({ scope: request.streamScope!, subscription, sink: new WebSocketSink(socket), ...(resumeFrom ? { resumeFrom } : {}) });
      } catch (error) {
        send({ type: 'error', data: errorReply(error, 'SY_INVALID_ARGUMENT').body });
        socket.close(1008, 'invalid stream request');
        return;
      }
      const stream = client;
      socket.on('close', () => stream.closed());
      socket.on('message', (data: Buffer, isBinary: boolean) => {
        try {
          if (isBinary) throw new SyntaxError('binary message');
          const command = StreamCommandSchema.parse(JSON.parse(data.toString('utf8')));
          const change = streamSubscription(hub.policy, command, 'message');
          stream.setSubscription(mergeSubscription(stream.subscription, change, command.type === 'subscribe' ? 'add' : 'remove'));
          stream.control({ type: 'subscribed', data: stream.subscription });
        } catch (error) {
          const body = isSwitchyardError(error) ? errorReply(error, 'SY_INVALID_ARGUMENT').body : { code: 'SY_INVALID_ARGUMENT', message: `message: expected {"type":"subscribe"|"unsubscribe", "channels"?, "events"?, "tasks"?} (${error instanceof Error ? error.message.split('\n')[0] : 'unreadable'}).`, field: 'message' };
          stream.control({ type: 'error', data: body });
        }
      });
    },
  );}
