/**
 * How an editor is recorded in the change log (`Change.by`, storage `Actor.userId`).
 * An edit made in anonymous mode (R14.2) is committed as `anon:{userId}`: teams still see who made
 * it, couples see "A team member". Recording it in the log (not as a setting read later) keeps the
 * label right in replays and history after the person switches the mode off.
 */
export const ANONYMOUS_ACTOR_PREFIX = 'anon:';
export const ANONYMOUS_DISPLAY_NAME = 'A team member';

export function actorLabel(userId: string, anonymous: boolean): string {
  return anonymous ? `${ANONYMOUS_ACTOR_PREFIX}${userId}` : userId;
}

export function decodeActor(by: string): { userId: string; anonymous: boolean } {
  return by.startsWith(ANONYMOUS_ACTOR_PREFIX)
    ? { userId: by.slice(ANONYMOUS_ACTOR_PREFIX.length), anonymous: true }
    : { userId: by, anonymous: false };
}
