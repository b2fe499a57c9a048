import { parseTopic, type Topic } from '@wedsync/protocol';
import type { TeamRole } from '../collections/people-collections.ts';
import type { Directory } from '../directory/directory.ts';
import type { Audience } from './audience.ts';

export type Access = 'read' | 'write';

export type JoinDecision =
  | { ok: true; access: Access; audience: Audience; role?: TeamRole }
  | { ok: false; code: 'FORBIDDEN' | 'TOPIC_INVALID'; message: string };

const ROLE_RANK: Record<TeamRole, number> = { owner: 3, admin: 2, member: 1, viewer: 0 };

/**
 * R2.2: may this person join this topic, decided from the data (never from the token alone).
 * - supplier topics: a member of that team (viewers read only);
 * - couple topics: a partner of that couple;
 * - `wedding:{W}`: a partner, or on the team of an actively connected supplier;
 * - `form:{F}`: the owning team, or a partner of a wedding the form is assigned to (while connected);
 * - `journey:{J}:{C}`: the owning team while C is its client, or a partner of C when a run exists.
 * A topic that does not exist is refused like one the person may not see (no existence leak).
 */
export function canJoin(directory: Directory, userId: string, rawTopic: string | Topic): JoinDecision {
  let topic: Topic;
  if (typeof rawTopic === 'string') {
    const parsed = parseTopic(rawTopic);
    if (!parsed.ok) return { ok: false, code: 'TOPIC_INVALID', message: parsed.message };
    topic = parsed.value;
  } else topic = rawTopic;
  const denied = (what: string): JoinDecision => ({
    ok: false,
    code: 'FORBIDDEN',
    message: `You may not access ${what}`,
  });

  switch (topic.kind) {
    case 'supplier':
    case 'supplier_team':
    case 'supplier_clients':
    case 'supplier_forms':
    case 'supplier_journeys':
      return (
        teamGrant(directory, userId, topic.supplierId) ??
        denied(`supplier ${topic.supplierId}: you are not on its team`)
      );
    case 'couple':
    case 'couple_suppliers':
    case 'couple_tasks':
    case 'couple_timeline':
      return (
        coupleGrant(directory, userId, topic.coupleId) ?? denied(`couple ${topic.coupleId}: you are not a partner`)
      );
    case 'wedding': {
      const coupleId = directory.coupleOfWedding(topic.weddingId);
      const asCouple = coupleId ? coupleGrant(directory, userId, coupleId) : undefined;
      if (asCouple) return asCouple;
      const grants = directory
        .suppliersOfUser(userId)
        .filter((supplierId) => directory.isConnected(topic.weddingId, supplierId))
        .map((supplierId) => teamGrant(directory, userId, supplierId))
        .filter((grant) => grant !== undefined);
      return best(grants) ?? denied(`wedding ${topic.weddingId}: you are not its couple or a connected supplier`);
    }
    case 'form': {
      const owner = directory.formOwner(topic.formId);
      const asTeam = owner ? teamGrant(directory, userId, owner) : undefined;
      if (asTeam) return asTeam;
      for (const coupleId of directory.couplesOfUser(userId)) {
        const weddingId = directory.weddingOfCouple(coupleId);
        const assigned = directory.assignmentsOfForm(topic.formId).some((a) => a.fields.weddingId === weddingId);
        if (owner && weddingId && assigned && directory.isConnected(weddingId, owner)) {
          return coupleGrant(directory, userId, coupleId) ?? denied(`form ${topic.formId}`);
        }
      }
      return denied(`form ${topic.formId}: it is not your team's and not assigned to you`);
    }
    case 'journey': {
      const owner = directory.journeyOwner(topic.journeyId);
      const weddingId = directory.weddingOfCouple(topic.clientId);
      if (!owner || !weddingId || !directory.isConnected(weddingId, owner)) {
        return denied(`journey ${topic.journeyId} for client ${topic.clientId}`);
      }
      const asTeam = teamGrant(directory, userId, owner);
      if (asTeam) return asTeam;
      const hasRun = directory.runsOfJourney(topic.journeyId).some((run) => run.fields.coupleId === topic.clientId);
      const asCouple = hasRun ? coupleGrant(directory, userId, topic.clientId) : undefined;
      return asCouple ?? denied(`journey ${topic.journeyId} for client ${topic.clientId}`);
    }
  }
}

function teamGrant(directory: Directory, userId: string, supplierId: string): JoinDecision | undefined {
  const role = directory.roleIn(userId, supplierId);
  if (!role) return undefined;
  return { ok: true, access: role === 'viewer' ? 'read' : 'write', audience: { kind: 'team', supplierId }, role };
}

function coupleGrant(directory: Directory, userId: string, coupleId: string): JoinDecision | undefined {
  if (!directory.partnersOf(coupleId).includes(userId)) return undefined;
  const weddingId = directory.weddingOfCouple(coupleId);
  if (!weddingId) return undefined;
  return { ok: true, access: 'write', audience: { kind: 'couple', coupleId, weddingId } };
}

/** A person on two connected teams joins as the team where they hold the highest role. */
function best(grants: JoinDecision[]): JoinDecision | undefined {
  let chosen: JoinDecision | undefined;
  for (const grant of grants) {
    if (!grant.ok) continue;
    if (!chosen?.ok || ROLE_RANK[grant.role ?? 'viewer'] > ROLE_RANK[chosen.role ?? 'viewer']) chosen = grant;
  }
  return chosen;
}
