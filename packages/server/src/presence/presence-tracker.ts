import type { PresenceDiff, PresenceMap, PresenceMeta } from '@wedsync/protocol';
import type { PresenceEntry, TopicBusMessage } from '../broadcast/bus-messages.ts';
import type { Membership } from '../session/session.ts';

/** What this node knows of one node's presence members on one topic. */
interface NodeView {
  lastHeardMs: number;
  /** phx_ref → entry */
  entries: Map<string, PresenceEntry>;
}

export interface PresenceTrackerDeps {
  nodeId: string;
  nowMs(): number;
  /** A remote node's members not re-announced within this many ms are removed (R4.3: no ghosts). */
  ttlMs: number;
  publish(topic: string, message: TopicBusMessage): void;
  /** Pushes `presence_diff` to this node's presence-enabled members of `topic`. */
  pushDiff(topic: string, diff: PresenceDiff): void;
  /**
   * The application's `presenceMeta` hook (R14.2): the meta to track for a member, or undefined to
   * hide it. Applied on every track and re-checked for own members at every `heartbeat`. Default: as sent.
   */
  presenceMeta?(member: Membership, meta: Record<string, unknown>): Record<string, unknown> | undefined;
}

/**
 * One consistent presence view per topic across nodes (R4.3). Each node owns its members' metas and
 * publishes diffs as they change plus a periodic heartbeat of its full member list per topic; every
 * node merges them. A heartbeat repairs any lost diff; a node that stops heartbeating (crashed, cut
 * off) has its members removed after `ttlMs`. Only topics with local members are held.
 */
export class PresenceTracker {
  private readonly topics = new Map<string, Map<string, NodeView>>();
  /** phx_ref → this node's tracked member and the meta its client sent (for the heartbeat re-check). */
  private readonly ownMembers = new Map<string, { member: Membership; payload: Record<string, unknown> }>();
  private refCounter = 0;
  private readonly refPrefix: string;

  constructor(private readonly deps: PresenceTrackerDeps) {
    this.refPrefix = deps.nodeId.replace(/[^A-Za-z0-9]/g, '').slice(0, 8);
  }

  /**
   * Tracks or re-tracks (update = leave of the old meta + join of the new one with `phx_ref_prev`).
   * A member the `presenceMeta` hook hides is untracked instead.
   */
  track(member: Membership, payload: Record<string, unknown>): void {
    const shown = this.shownMeta(member, payload);
    if (shown === undefined) {
      this.untrack(member);
      return;
    }
    const own = this.view(member.topic, this.deps.nodeId);
    const meta: PresenceMeta = { ...shown, phx_ref: `${this.refPrefix}${(++this.refCounter).toString(36)}` };
    delete meta.phx_ref_prev;
    const leaves: PresenceEntry[] = [];
    const previous = member.presenceRef ? own.entries.get(member.presenceRef) : undefined;
    if (previous) {
      own.entries.delete(previous.meta.phx_ref);
      this.ownMembers.delete(previous.meta.phx_ref);
      leaves.push(previous);
      meta.phx_ref_prev = previous.meta.phx_ref;
    }
    const entry: PresenceEntry = { key: member.presenceKey, meta };
    own.entries.set(meta.phx_ref, entry);
    this.ownMembers.set(meta.phx_ref, { member, payload });
    member.presenceRef = meta.phx_ref;
    this.emitOwn(member.topic, [entry], leaves);
  }

  untrack(member: Membership): void {
    const ref = member.presenceRef;
    member.presenceRef = undefined;
    if (!ref) return;
    this.ownMembers.delete(ref);
    const own = this.topics.get(member.topic)?.get(this.deps.nodeId);
    const entry = own?.entries.get(ref);
    if (!own || !entry) return;
    own.entries.delete(ref);
    this.emitOwn(member.topic, [], [entry]);
  }

  /** The merged `presence_state` of every node's members. */
  state(topic: string): PresenceMap {
    const state = nullObject();
    for (const view of this.topics.get(topic)?.values() ?? []) {
      for (const entry of view.entries.values()) addEntry(state, entry);
    }
    return state;
  }

  onBusMessage(topic: string, message: TopicBusMessage): void {
    if (message.n === this.deps.nodeId || !this.topics.has(topic)) {
      if (message.n !== this.deps.nodeId && message.k === 'ps') this.announce(topic);
      return;
    }
    if (message.k === 'pd') this.applyDiff(topic, message.n, validEntries(message.j), validEntries(message.l));
    else if (message.k === 'ph') this.applyHeartbeat(topic, message.n, validEntries(message.s));
    else if (message.k === 'ps') this.announce(topic);
  }

  /** The node started hearing `topic`: ask the others for their members. */
  requestSync(topic: string): void {
    if (!this.topics.has(topic)) this.topics.set(topic, new Map());
    this.deps.publish(topic, { k: 'ps', n: this.deps.nodeId });
  }

  /** Periodic: hide own members the `presenceMeta` hook no longer shows; announce own members per topic; expire silent nodes. */
  heartbeat(): void {
    if (this.deps.presenceMeta) {
      for (const { member, payload } of [...this.ownMembers.values()]) {
        if (this.shownMeta(member, payload) === undefined) this.untrack(member);
      }
    }
    const nowMs = this.deps.nowMs();
    for (const [topic, views] of this.topics) {
      for (const [nodeId, view] of views) {
        if (nodeId === this.deps.nodeId) {
          if (view.entries.size > 0) this.announce(topic);
        } else if (nowMs - view.lastHeardMs > this.deps.ttlMs) {
          views.delete(nodeId);
          this.pushDiff(topic, [], [...view.entries.values()]);
        }
      }
    }
  }

  /** The node's last member of `topic` left: forget the topic. */
  dropTopic(topic: string): void {
    this.topics.delete(topic);
  }

  get topicCount(): number {
    return this.topics.size;
  }

  /** The meta to track for `member`, or undefined when the application hides it (a throwing hook hides). */
  private shownMeta(member: Membership, payload: Record<string, unknown>): Record<string, unknown> | undefined {
    if (!this.deps.presenceMeta) return payload;
    try {
      const meta = this.deps.presenceMeta(member, payload);
      return meta !== null && typeof meta === 'object' ? meta : undefined;
    } catch {
      return undefined;
    }
  }

  private announce(topic: string): void {
    const own = this.topics.get(topic)?.get(this.deps.nodeId);
    if (own && own.entries.size > 0)
      this.deps.publish(topic, { k: 'ph', n: this.deps.nodeId, s: [...own.entries.values()] });
  }

  private applyDiff(topic: string, nodeId: string, joins: PresenceEntry[], leaves: PresenceEntry[]): void {
    const view = this.view(topic, nodeId);
    view.lastHeardMs = this.deps.nowMs();
    const joined = joins.filter((entry) => !view.entries.has(entry.meta.phx_ref));
    for (const entry of joined) view.entries.set(entry.meta.phx_ref, entry);
    const left = leaves.filter((entry) => view.entries.delete(entry.meta.phx_ref));
    this.dropIfEmpty(topic, nodeId, view);
    this.pushDiff(topic, joined, left);
  }

  private applyHeartbeat(topic: string, nodeId: string, entries: PresenceEntry[]): void {
    const view = this.view(topic, nodeId);
    view.lastHeardMs = this.deps.nowMs();
    const next = new Map(entries.map((entry) => [entry.meta.phx_ref, entry]));
    const joined = entries.filter((entry) => !view.entries.has(entry.meta.phx_ref));
    const left = [...view.entries.values()].filter((entry) => !next.has(entry.meta.phx_ref));
    view.entries = next;
    this.dropIfEmpty(topic, nodeId, view);
    this.pushDiff(topic, joined, left);
  }

  private emitOwn(topic: string, joins: PresenceEntry[], leaves: PresenceEntry[]): void {
    this.pushDiff(topic, joins, leaves);
    this.deps.publish(topic, { k: 'pd', n: this.deps.nodeId, j: joins, l: leaves });
  }

  private pushDiff(topic: string, joins: PresenceEntry[], leaves: PresenceEntry[]): void {
    if (joins.length === 0 && leaves.length === 0) return;
    this.deps.pushDiff(topic, { joins: toMap(joins), leaves: toMap(leaves) });
  }

  private view(topic: string, nodeId: string): NodeView {
    let views = this.topics.get(topic);
    if (!views) {
      views = new Map();
      this.topics.set(topic, views);
    }
    let view = views.get(nodeId);
    if (!view) {
      view = { lastHeardMs: this.deps.nowMs(), entries: new Map() };
      views.set(nodeId, view);
    }
    return view;
  }

  private dropIfEmpty(topic: string, nodeId: string, view: NodeView): void {
    if (view.entries.size === 0) this.topics.get(topic)?.delete(nodeId);
  }
}

function toMap(entries: PresenceEntry[]): PresenceMap {
  const map = nullObject();
  for (const entry of entries) addEntry(map, entry);
  return map;
}

function addEntry(map: PresenceMap, { key, meta }: PresenceEntry): void {
  const slot = map[key];
  if (slot) slot.metas.push(meta);
  else map[key] = { metas: [meta] };
}

/** A map without prototype, so a presence key such as `__proto__` is just a key. */
function nullObject(): PresenceMap {
  return Object.create(null) as PresenceMap;
}

/** Entries from another node: keep only well-formed ones. */
function validEntries(value: unknown): PresenceEntry[] {
  if (!Array.isArray(value)) return [];
  return value.filter(
    (entry): entry is PresenceEntry =>
      entry !== null &&
      typeof entry === 'object' &&
      typeof entry.key === 'string' &&
      entry.meta !== null &&
      typeof entry.meta === 'object' &&
      typeof entry.meta.phx_ref === 'string',
  );
}
