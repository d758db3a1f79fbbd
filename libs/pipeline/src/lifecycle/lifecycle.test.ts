import { isSwitchyardError } from '@switchyard/protocol';
import { describe, expect, it } from 'vitest';
import { Lifecycle, type TransitionTable } from './lifecycle.js';

type Light = 'off' | 'on' | 'broken';
const TABLE: TransitionTable<Light> = { off: ['on'], on: ['off', 'broken'], broken: [] };

describe('Lifecycle', () => {
  it('starts in its initial state and follows the table', () => {
    const light = new Lifecycle(TABLE, 'off', 'The light');
    expect(light.state).toBe('off');
    light.to('on');
    light.to('off');
    light.to('on');
    light.to('broken');
    expect(light.state).toBe('broken');
  });

  it('answers canMoveTo from the table of the current state', () => {
    const light = new Lifecycle(TABLE, 'off', 'The light');
    expect(light.canMoveTo('on')).toBe(true);
    expect(light.canMoveTo('broken')).toBe(false);
    expect(light.canMoveTo('off')).toBe(false);
  });

  it('refuses a move the table does not allow with SY_INVALID_CONFIG naming both states, and stays put', () => {
    const light = new Lifecycle(TABLE, 'off', 'The light');
    let caught: unknown;
    try {
      light.to('broken', 'Switch it on first.');
    } catch (error) {
      caught = error;
    }
    expect(isSwitchyardError(caught) && caught.code).toBe('SY_INVALID_CONFIG');
    expect((caught as Error).message).toBe('The light cannot go from off to broken.');
    expect((caught as { hint?: string }).hint).toBe('Switch it on first.');
    expect(light.state).toBe('off');
  });
});
