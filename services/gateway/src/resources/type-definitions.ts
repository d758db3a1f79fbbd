import { z } from 'zod';
import { EventNameSchema, QueueNameSchema, SNAKE_CASE_ID_PATTERN } from '@switchyard/protocol';

/** A task type the gateway accepts: enqueued to `queue` with a payload that matches `payload`. */
export interface GatewayTaskType {
  readonly type: string;
  readonly queue: string;
  readonly payload: z.ZodType;
  readonly description?: string;
}

/** An event type the gateway publishes; its payload schema also goes into the bus's type catalog. */
export interface GatewayEventType {
  readonly name: string;
  readonly version?: string;
  readonly payload: z.ZodType;
  readonly description?: string;
}

const TaskTypeShape = z.object({
  type: z.string().regex(SNAKE_CASE_ID_PATTERN, 'expected a snake_case task type'),
  queue: QueueNameSchema,
  payload: z.custom<z.ZodType>((v) => typeof (v as z.ZodType | undefined)?.safeParse === 'function', 'expected a zod schema'),
  description: z.string().optional(),
});
const EventTypeShape = z.object({
  name: EventNameSchema,
  version: z.string().optional(),
  payload: z.custom<z.ZodType>((v) => typeof (v as z.ZodType | undefined)?.safeParse === 'function', 'expected a zod schema'),
  description: z.string().optional(),
});

/** The registered task and event types, validated once and unique by name. */
export const TypeRegistrySchema = z
  .object({ taskTypes: z.array(TaskTypeShape).default([]), eventTypes: z.array(EventTypeShape).default([]) })
  .superRefine((value, ctx) => {
    const dup = (names: string[]) => names.find((n, i) => names.indexOf(n) !== i);
    const task = dup(value.taskTypes.map((t) => t.type));
    if (task) ctx.addIssue({ code: 'custom', path: ['taskTypes'], message: `task type ${task} is registered twice` });
    const event = dup(value.eventTypes.map((t) => t.name));
    if (event) ctx.addIssue({ code: 'custom', path: ['eventTypes'], message: `event type ${event} is registered twice` });
  });
export type TypeRegistry = { readonly taskTypes: readonly GatewayTaskType[]; readonly eventTypes: readonly GatewayEventType[] };
