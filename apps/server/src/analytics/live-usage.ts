import type { RealtimeServer, TenantResolver } from '@wedsync/server';

/** Concurrent users and channel subscriptions per tenant on this node, right now. */
export interface LiveFigures {
  users: number;
  subscriptions: number;
}

/**
 * R16.2 live connection stats on this node: which users hold channels of which tenant, kept from the
 * engine's join and leave listeners (every disconnect leaves its channels first). A channel counts for
 * the tenant its topic belonged to when it was joined, so a leave always undoes its own join.
 */
export class LiveUsage {
  private readonly tenantOfMembership = new Map<string, Map<string, string>>();
  private readonly byTenant = new Map<string, Map<string, number>>();
  private readonly unsubscribe: Array<() => void>;

  constructor(
    private readonly realtime: Pick<RealtimeServer, 'onJoin' | 'onLeave' | 'stats'>,
    private readonly tenantOf: TenantResolver,
  ) {
    this.unsubscribe = [
      realtime.onJoin(({ session, topic }) => this.joined(session.id, session.user.id, topic)),
      realtime.onLeave(({ session, topic }) => this.left(session.id, session.user.id, topic)),
    ];
  }

  /** Figures per tenant, and `*` for the whole node (every connected user, every subscription). */
  figures(): Map<string, LiveFigures> {
    const figures = new Map<string, LiveFigures>();
    const stats = this.realtime.stats();
    figures.set('*', { users: stats.users, subscriptions: stats.memberships });
    for (const [tenant, users] of this.byTenant) {
      let subscriptions = 0;
      for (const count of users.values()) subscriptions += count;
      figures.set(tenant, { users: users.size, subscriptions });
    }
    return figures;
  }

  close(): void {
    for (const unsubscribe of this.unsubscribe.splice(0)) unsubscribe();
    this.tenantOfMembership.clear();
    this.byTenant.clear();
  }

  private joined(sessionId: string, userId: string, topic: string): void {
    let tenant: string | null | undefined;
    try {
      tenant = this.tenantOf({ topic, actor: userId });
    } catch {
      tenant = null;
    }
    if (!tenant) return;
    let memberships = this.tenantOfMembership.get(sessionId);
    if (!memberships) {
      memberships = new Map();
      this.tenantOfMembership.set(sessionId, memberships);
    }
    if (memberships.has(topic)) this.left(sessionId, userId, topic);
    memberships.set(topic, tenant);
    let users = this.byTenant.get(tenant);
    if (!users) {
      users = new Map();
      this.byTenant.set(tenant, users);
    }
    users.set(userId, (users.get(userId) ?? 0) + 1);
  }

  private left(sessionId: string, userId: string, topic: string): void {
    const memberships = this.tenantOfMembership.get(sessionId);
    const tenant = memberships?.get(topic);
    if (!memberships || tenant === undefined) return;
    memberships.delete(topic);
    if (memberships.size === 0) this.tenantOfMembership.delete(sessionId);
    const users = this.byTenant.get(tenant);
    const count = (users?.get(userId) ?? 0) - 1;
    if (!users) return;
    if (count > 0) users.set(userId, count);
    else users.delete(userId);
    if (users.size === 0) this.byTenant.delete(tenant);
  }
}
