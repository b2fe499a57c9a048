import { describe, expect, it } from 'vitest';
import type { Session } from '../src/session/session.ts';
import { SessionRegistry } from '../src/session/session-registry.ts';

const sessionOf = (id: string, userId: string) => ({ id, user: { id: userId, name: userId, claims: {} } }) as Session;

describe('SessionRegistry indexes sessions per user (R14.1 per-user cap, R2.2 revocation)', () => {
  it('counts and lists a user’s sessions through one, several and back to none, in any removal order', () => {
    const registry = new SessionRegistry();
    const [a, b, c] = ['a', 'b', 'c'].map((id) => sessionOf(id, 'ann')) as [Session, Session, Session];
    const other = sessionOf('x', 'bob');
    for (const session of [a, other, b, c]) registry.add(session);
    expect(registry.countForUser('ann')).toBe(3);
    expect(registry.forUser('ann').map((session) => session.id)).toEqual(['a', 'b', 'c']);
    registry.remove(b);
    registry.remove(a);
    expect(registry.countForUser('ann')).toBe(1);
    expect(registry.forUser('ann')).toEqual([c]);
    registry.add(a);
    registry.bindUser(a); // binding again (a token refresh) does not count twice
    expect(registry.forUser('ann').map((session) => session.id)).toEqual(['c', 'a']);
    registry.remove(c);
    registry.remove(a);
    registry.remove(a);
    expect([registry.countForUser('ann'), registry.forUser('ann'), registry.userCount, registry.size]).toEqual([
      0,
      [],
      1,
      1,
    ]);
    expect(registry.forUser('bob')).toEqual([other]);
  });
});
