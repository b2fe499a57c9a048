import { parseTopic, type Topic } from '@wedsync/protocol';
import type { TenantResolver } from '@wedsync/server';
import type { Directory } from '@wedsync/wedding';

/**
 * Tenants of the WedSync model (R14.1, R16): a supplier business (`supplier:{id}`, its team's data) and
 * a couple's wedding (`wedding:{id}`, the couple's data, also where connected suppliers work on it).
 */
export const supplierTenant = (supplierId: string) => `supplier:${supplierId}`;
export const weddingTenant = (weddingId: string) => `wedding:${weddingId}`;

/**
 * The tenant an event on a topic (or log scope) belongs to, with the rights of this moment. Topics that
 * two tenants share by nature are decided by who acted: on `form:{F}` and `journey:{J}:{C}` the owning
 * team acts for its supplier, a couple for its wedding. `user:{id}` and `directory` belong to no tenant.
 */
export function weddingTenantOf(directory: Directory): TenantResolver {
  return ({ topic, scope, actor }) => {
    const name = topic ?? scope;
    if (!name) return null;
    const parsed = parseTopic(name);
    return parsed.ok ? tenantOfTopic(directory, parsed.value, actor) : null;
  };
}

function tenantOfTopic(directory: Directory, topic: Topic, actor: string | null): string | null {
  switch (topic.kind) {
    case 'supplier':
    case 'supplier_team':
    case 'supplier_clients':
    case 'supplier_forms':
    case 'supplier_journeys':
      return supplierTenant(topic.supplierId);
    case 'couple':
    case 'couple_suppliers':
    case 'couple_tasks':
    case 'couple_timeline': {
      const weddingId = directory.weddingOfCouple(topic.coupleId);
      return weddingId ? weddingTenant(weddingId) : null;
    }
    case 'wedding':
      return weddingTenant(topic.weddingId);
    case 'form': {
      const owner = directory.formOwner(topic.formId);
      if (owner && (actor === null || directory.roleIn(actor, owner))) return supplierTenant(owner);
      const assigned = new Set(directory.assignmentsOfForm(topic.formId).map((a) => a.fields.weddingId));
      for (const coupleId of actor ? directory.couplesOfUser(actor) : []) {
        const weddingId = directory.weddingOfCouple(coupleId);
        if (weddingId && assigned.has(weddingId)) return weddingTenant(weddingId);
      }
      return owner ? supplierTenant(owner) : null;
    }
    case 'journey': {
      const owner = directory.journeyOwner(topic.journeyId);
      if (owner && (actor === null || directory.roleIn(actor, owner))) return supplierTenant(owner);
      const weddingId = directory.weddingOfCouple(topic.clientId);
      if (weddingId) return weddingTenant(weddingId);
      return owner ? supplierTenant(owner) : null;
    }
  }
}

/**
 * A tenant a user may read the audit trail of, and whose members' connection-level events it includes
 * (for connections that acted in the tenant; see `AuditQuery`).
 */
export interface AuditGrant {
  tenant: string;
  /** Users whose tenant-less events (connect, disconnect, rate limits without a channel) it shows. */
  members: string[];
}

/**
 * R14.1 audit rights: a supplier's owner or admin reads that supplier's trail; a partner reads their
 * wedding's trail. Nobody else reads a tenant's trail (members, viewers and other suppliers included).
 */
export function auditGrants(directory: Directory, userId: string): AuditGrant[] {
  const grants: AuditGrant[] = [];
  for (const supplierId of directory.suppliersOfUser(userId)) {
    const role = directory.roleIn(userId, supplierId);
    if (role !== 'owner' && role !== 'admin') continue;
    grants.push({
      tenant: supplierTenant(supplierId),
      members: directory.teamOf(supplierId).map((member) => member.userId),
    });
  }
  for (const coupleId of directory.couplesOfUser(userId)) {
    const weddingId = directory.weddingOfCouple(coupleId);
    if (weddingId) grants.push({ tenant: weddingTenant(weddingId), members: directory.partnersOf(coupleId) });
  }
  return grants;
}

/** R16: every tenant a user's client telemetry counts towards (any team role, or partner of a wedding). */
export function tenantsOfUser(directory: Directory, userId: string): string[] {
  const tenants = directory.suppliersOfUser(userId).map(supplierTenant);
  for (const coupleId of directory.couplesOfUser(userId)) {
    const weddingId = directory.weddingOfCouple(coupleId);
    if (weddingId) tenants.push(weddingTenant(weddingId));
  }
  return [...new Set(tenants)];
}

/**
 * R16.2 analytics rights: a supplier's owner or admin reads its tenant's figures, a partner their
 * wedding's; everyone who may read some tenant also reads the overall figures (`*`), which name nobody.
 */
export function analyticsTenants(directory: Directory, userId: string): string[] {
  return auditGrants(directory, userId).map((grant) => grant.tenant);
}
