import { describe, expect, it } from 'vitest';
import { Turns } from './turns.js';

describe('Turns', () => {
  it('runs operations one at a time in the order asked, past a failure', async () => {
    const turns = new Turns();
    const log: string[] = [];
    let running = 0;
    let most = 0;
    const step = (name: string, fail = false) => async () => {
      running++;
      most = Math.max(most, running);
      log.push(`start ${name}`);
      await new Promise((resolve) => setTimeout(resolve, 5));
      log.push(`end ${name}`);
      running--;
      if (fail) throw new Error(name);
      return name;
    };
    const a = turns.run(step('a'));
    const b = turns.run(step('b', true));
    const c = turns.run(step('c'));
    await expect(a).resolves.toBe('a');
    await expect(b).rejects.toThrow('b');
    await expect(c).resolves.toBe('c');
    expect(most).toBe(1);
    expect(log).toEqual(['start a', 'end a', 'start b', 'end b', 'start c', 'end c']);
  });

  it('settled waits for every operation asked for so far, and does not reject', async () => {
    const turns = new Turns();
    let done = false;
    void turns.run(async () => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      done = true;
      throw new Error('fails');
    }).catch(() => undefined);
    await expect(turns.settled()).resolves.toBeUndefined();
    expect(done).toBe(true);
  });
});
