import { z } from 'zod';
import type { TypeRegistry } from './resources/type-definitions.js';

/**
 * The types `npm start` exposes: the example queue's task types and the example event (see
 * services/worker/src/example-producer.ts). `queue` (GATEWAY_EXAMPLE_QUEUE) moves the task types
 * to another queue, e.g. one of bench/gateway's own.
 */
export const exampleTypes = (queue = 'example'): TypeRegistry => ({
  taskTypes: [
    { type: 'send_email', queue, description: 'Sends an email (example handler: logs it)', payload: z.strictObject({ to: z.email(), subject: z.string().min(1).max(998) }) },
    { type: 'resize_image', queue, description: 'Resizes an image (example handler)', payload: z.strictObject({ url: z.url(), width: z.number().int().min(1).max(10_000), height: z.number().int().min(1).max(10_000) }) },
  ],
  eventTypes: [{ name: 'example.greeted', version: '1.0.0', description: 'Someone was greeted', payload: z.strictObject({ greeting: z.string().min(1).max(1000), to: z.string().min(1).max(320) }) }],
});
