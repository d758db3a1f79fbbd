import { describe, expect, it } from 'vitest';
import { SwitchyardError } from '@switchyard/protocol';
import { ERROR_INFO_LIMITS, TRUNCATED_MARK, errorInfo, truncateText } from './error-info.js';

const bytes = (info: object) => Buffer.byteLength(JSON.stringify(info));

describe('errorInfo', () => {
  it('keeps code, message and stack of an ordinary error as they are', () => {
    const info = errorInfo(Object.assign(new Error('cannot parse order'), { code: 'E_PARSE' }));
    expect(info).toMatchObject({ message: 'cannot parse order', code: 'E_PARSE' });
    expect(info.stack).toMatch(/^Error: cannot parse order\n/);
    expect(info.stack).not.toContain(TRUNCATED_MARK);
  });

  it('a huge error message is cut to the bound and marked, in the message and in the stack', () => {
    const huge = 'x'.repeat(2 * 1024 * 1024);
    const info = errorInfo(new Error(huge));
    expect(info.message).toHaveLength(ERROR_INFO_LIMITS.messageChars);
    expect(info.message.endsWith(`${TRUNCATED_MARK}${huge.length} characters]`)).toBe(true);
    expect(info.stack!.length).toBe(ERROR_INFO_LIMITS.stackChars);
    expect(info.stack).toContain(TRUNCATED_MARK);
    expect(bytes(info)).toBeLessThan(3 * (ERROR_INFO_LIMITS.messageChars + ERROR_INFO_LIMITS.stackChars) + 100);
  });

  it('a thrown non-Error: a huge string or object is cut too; one JSON cannot write is described', () => {
    expect(errorInfo('y'.repeat(100_000)).message).toHaveLength(ERROR_INFO_LIMITS.messageChars);
    expect(errorInfo({ reason: 'z'.repeat(100_000) }).message).toHaveLength(ERROR_INFO_LIMITS.messageChars);
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    expect(errorInfo(circular)).toEqual({ message: '[object Object]', code: 'SY_TASK_FAILED' });
  });

  it('the cause chain follows the stack, bounded in depth, cycles and length', () => {
    const root = new Error('disk full');
    const mid = new SwitchyardError('SY_TASK_FAILED', 'write failed', { cause: root });
    const info = errorInfo(new Error('order not saved', { cause: mid }));
    expect(info.stack).toMatch(/order not saved[\s\S]*\ncaused by: SwitchyardError: write failed[\s\S]*\ncaused by: Error: disk full/);

    const a = new Error('a');
    const b = new Error('b', { cause: a });
    (a as { cause?: unknown }).cause = b;
    expect(errorInfo(a).stack!.match(/caused by:/g)).toHaveLength(1);

    let deep = new Error('level 0');
    for (let i = 1; i <= 20; i++) deep = new Error(`level ${i}`, { cause: deep });
    expect(errorInfo(deep).stack!.match(/caused by:/g)).toHaveLength(ERROR_INFO_LIMITS.causeDepth);

    const hugeCauses = new Error('top', { cause: new Error('c'.repeat(1_000_000), { cause: 'd'.repeat(1_000_000) }) });
    expect(errorInfo(hugeCauses).stack!.length).toBe(ERROR_INFO_LIMITS.stackChars);
  });

  it('never splits a surrogate pair', () => {
    const text = `${'a'.repeat(99)}${'😀'.repeat(100)}`;
    for (const max of [150, 151]) {
      const cut = truncateText(text, max);
      expect(cut.length).toBeLessThanOrEqual(max);
      expect(Buffer.from(cut, 'utf8').toString('utf8')).toBe(cut);
    }
  });
});
