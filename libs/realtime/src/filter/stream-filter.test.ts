import { describe, expect, it } from 'vitest';
import { RealTimeNotificationConfigSchema, type RealTimeNotificationConfigInput } from '@switchyard/protocol';
import type { EventMessage, TaskStatusMessage } from '../message/stream-message.js';
import { compilePattern } from '@switchyard/kafka';
import { compileSubscription, mergeSubscription, StreamPolicy, type StreamScope } from './stream-filter.js';

const policy = (config: RealTimeNotificationConfigInput = {}) => new StreamPolicy(RealTimeNotificationConfigSchema.parse(config));
const event = (name: string, tenant?: string, user?: string): EventMessage => ({ type: 'event', name, tenant, user, data: { id: 'e', name, source: 's', time: '', priority: 'normal', payload: { amount: 5 } } });
const task = (taskId: string, tenant?: string, user?: string): TaskStatusMessage => ({ type: 'task.status', taskId, tenant, user, data: {} as TaskStatusMessage['data'] });
const scope = (tenant: string | undefined, user?: string, reads: Partial<StreamScope> = {}): StreamScope => ({ tenant, user, canReadTasks: true, canReadEvents: true, ...reads });
const all = compileSubscription({ channels: [], events: ['*'], tasks: ['*'] });

describe('event patterns', () => {
  it('match like the event bus: * is one or more whole segments', () => {
    expect(['user.created', 'user.profile.updated', 'users.created', 'user'].map(compilePattern('user.*').matches)).toEqual([true, true, false, false]);
    expect(['user.created', 'shop.order.created', 'user.deleted'].map(compilePattern('*.created').matches)).toEqual([true, true, false]);
  });
});

describe('StreamPolicy', () => {
  it('tenant matrix: a tenant sees its own records only; an admin without a tenant sees all', () => {
    const p = policy();
    expect([event('a.b', 'acme'), event('a.b', 'globex'), event('a.b')].map((m) => p.matches(m, scope('acme'), all))).toEqual([true, false, false]);
    expect([task('1', 'acme'), task('2', 'globex')].map((m) => p.matches(m, scope(undefined), all))).toEqual([true, true]);
  });

  it('user matrix: with userFilter a user sees only its own; without a user (a service credential) the whole tenant', () => {
    const p = policy();
    const records = [event('a.b', 'acme', 'u1'), event('a.b', 'acme', 'u2'), task('1', 'acme', 'u1'), task('2', 'acme')];
    expect(records.map((m) => p.matches(m, scope('acme', 'u1'), all))).toEqual([true, false, true, false]);
    expect(records.map((m) => p.matches(m, scope('acme'), all))).toEqual([true, true, true, true]);
    expect(records.map((m) => policy({ userFilter: false }).matches(m, scope('acme', 'u1'), all))).toEqual([true, true, true, true]);
  });

  it('read scopes: events need events:read, task statuses tasks:read', () => {
    const p = policy();
    expect(p.matches(task('1', 'acme'), scope('acme', undefined, { canReadTasks: false }), all)).toBe(false);
    expect(p.matches(event('a.b', 'acme'), scope('acme', undefined, { canReadEvents: false }), all)).toBe(false);
  });

  it('subscriptions: task ids, event patterns, and channels with their pattern and filter; the server eventPattern bounds all', () => {
    const p = policy({ eventPattern: 'shop.*', channels: [{ name: 'big-orders', eventPattern: 'shop.order.*', filter: (e: unknown) => ((e as EventMessage['data']).payload as { amount: number }).amount > 3 }] });
    const sub = compileSubscription({ channels: ['big-orders'], events: ['shop.cart.*', 'user.*'], tasks: ['t1'] });
    expect([task('t1', 'acme'), task('t2', 'acme')].map((m) => p.matches(m, scope('acme'), sub))).toEqual([true, false]);
    expect([event('shop.cart.added', 'acme'), event('user.created', 'acme'), event('shop.order.placed', 'acme'), event('shop.other', 'acme')].map((m) => p.matches(m, scope('acme'), sub))).toEqual([true, false, true, false]);
    expect(p.hasChannel('big-orders')).toBe(true);
  });

  it('subscribe adds, unsubscribe removes', () => {
    const base = { channels: ['a'], events: ['x.*'], tasks: ['1'] };
    expect(mergeSubscription(base, { channels: ['b'], events: [], tasks: ['2'] }, 'add')).toEqual({ channels: ['a', 'b'], events: ['x.*'], tasks: ['1', '2'] });
    expect(mergeSubscription(base, { channels: [], events: ['x.*'], tasks: ['1'] }, 'remove')).toEqual({ channels: ['a'], events: [], tasks: [] });
  });
});
