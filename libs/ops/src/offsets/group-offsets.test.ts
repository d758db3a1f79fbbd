import { describe, expect, it } from 'vitest';
import { hasLiveMembers } from './group-offsets.js';

const member = { memberId: 'm', clientId: 'c', clientHost: 'h' };

describe('hasLiveMembers', () => {
  it('is true only for a group with members that is not Empty or Dead', () => {
    expect(hasLiveMembers({ groupId: 'g', state: 'Stable', members: [member] })).toBe(true);
    expect(hasLiveMembers({ groupId: 'g', state: 'PreparingRebalance', members: [member] })).toBe(true);
    expect(hasLiveMembers({ groupId: 'g', state: 'Empty', members: [] })).toBe(false);
    expect(hasLiveMembers({ groupId: 'g', state: 'Dead', members: [] })).toBe(false);
  });
});
