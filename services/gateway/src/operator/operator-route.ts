import type { FastifyReply } from 'fastify';
import type { GeneratedEndpoint } from '@switchyard/protocol';
import { ErrorBodySchema } from '../http/envelope.js';

/** Error responses of the operator routes (as on the generated ones). */
export const OPERATOR_ERRORS = { '4xx': ErrorBodySchema, '5xx': ErrorBodySchema };

/** The endpoint registry entry of an explicit operator route (discovery lists it beside the generated ones). */
export function operatorEndpoint(object: string, operation: string, method: GeneratedEndpoint['method'], path: string, summary: string): GeneratedEndpoint {
  return { id: `${object}.${operation}`, method, path, object, operation, metadata: { summary, tags: [object], deprecated: false } };
}

/**
 * An AbortSignal that aborts when the client goes away before the answer is sent, so a long
 * engine write (redrive, purge) stops after its chunk in flight (SY_OPERATION_INTERRUPTED).
 */
export function abortedOnDisconnect(reply: FastifyReply): AbortSignal {
  const controller = new AbortController();
  reply.raw.once('close', () => {
    if (!reply.raw.writableFinished) controller.abort();
  });
  return controller.signal;
}
