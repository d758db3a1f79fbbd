import { describe, expect, it } from 'vitest';
import { buildProgram, commandWordOf } from './program.js';

describe('commandWordOf', () => {
  it('is the first word that is neither an option nor a global option value', () => {
    expect(commandWordOf(['replay', '--topic', 't'])).toBe('replay');
    expect(commandWordOf(['--json', 'dlq', 'list'])).toBe('dlq');
    expect(commandWordOf(['--brokers', 'replay:9092', 'topics'])).toBe('topics');
    expect(commandWordOf(['--brokers=b:9092', 'offsets'])).toBe('offsets');
    expect(commandWordOf(['--', 'tasks'])).toBe('tasks');
  });

  it('is undefined without a command word', () => {
    expect(commandWordOf([])).toBeUndefined();
    expect(commandWordOf(['--help'])).toBeUndefined();
    expect(commandWordOf(['--brokers', 'b:9092'])).toBeUndefined();
  });
});

describe('buildProgram', () => {
  const names = async (args: string[]) => (await buildProgram(args)).commands.map((c) => c.name());
  const ALL = ['topics', 'tasks', 'dlq', 'replay', 'offsets', 'schedules', 'webhooks'];

  it('registers only the command that runs', async () => {
    expect(await names(['replay', '--topic', 't'])).toEqual(['replay']);
    expect(await names(['--json', 'webhooks', 'list'])).toEqual(['webhooks']);
  });

  it('registers every command for help, no command or an unknown one', async () => {
    expect(await names(['--help'])).toEqual(ALL);
    expect(await names([])).toEqual(ALL);
    expect(await names(['help', 'replay'])).toEqual(ALL);
    expect(await names(['replya'])).toEqual(ALL);
  });
});
