import { z } from 'zod';
import type { TypeRegistry } from './resources/type-definitions.js';

/** The types `npm start` exposes: the example queue's task types and the example event (see services/worker/src/example-producer.ts). */
export const EXAMPLE_TYPES: TypeRegistry = {
  taskTypes: [
    { type: 'send_email', queue: 'example', description: 'Sends an email (example handler: logs it)', payload: z.strictObject({ to: z.email(), subject: z.string().min(1).max(998) }) },
    { type: 'resize_image', queue: 'example', description: 'Resizes an image (example handler)', payload: z.strictObject({ url: z.url(), width: z.number().int().min(1).max(10_000), height: z.number().int().min(1).max(10_000) }) },
  ],
  eventTypes: [{ name: 'example.greeted', version: '1.0.0', description: 'Someone was greeted', payload: z.strictObject({ greeting: z.string().min(1).max(1000), to: z.string().min(1).max(320) }) }],
};
