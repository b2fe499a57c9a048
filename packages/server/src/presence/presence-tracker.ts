import type { PresenceDiff, PresenceMap, PresenceMeta } from '@wedsync/protocol';
import type { PresenceEntry, TopicBusMessage } from '../broadcast/bus-messages.ts';
import type { Membership } from '../session/session.ts';

/** What this node knows of another node's presence members on one topic. */
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
  /** This node's members of `topic` (the topic index); a tracked one carries its entry in `presence`. */
  localMembers(topic: string): Iterable<Membership>;
  /** Whether this node holds `topic` (hears its bus traffic or is about to). */
  holdsTopic(topic: string): boolean;
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
 * off) has its members removed after `ttlMs`. Only topics this node holds are kept.
 *
 * Memory per connection matters here (issue 9): an own member's entry lives on its `Membership`
 * (no per-topic maps for own members); per-topic maps exist only for other nodes' members.
 */
export class PresenceTracker {
  /** Other nodes' members per topic; a topic is here only while some other node has members on it. */
  private readonly remote = new Map<string, Map<string, NodeView>>();
  /** Per topic, how many of this node's members are tracked (what `heartbeat` announces). */
  private readonly ownTracked = new Map<string, number>();
  /** With a `presenceMeta` hook only: the meta each tracked member's client sent, for the heartbeat re-check. */
  private readonly sentMetas = new Map<Membership, Record<string, unknown>>();
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
    // Object.assign, not a spread: V8 (Node 20) gives every `{ ...shown }` a map of its own, ~70 B per held meta.
    const meta = Object.assign({}, shown) as PresenceMeta;
    meta.phx_ref = `${this.refPrefix}${(++this.refCounter).toString(36)}`;
    if (meta.phx_ref_prev !== undefined) delete meta.phx_ref_prev;
    const leaves: PresenceEntry[] = [];
    const previous = member.presence;
    if (previous) {
      leaves.push(previous);
      meta.phx_ref_prev = previous.meta.phx_ref;
    } else {
      this.ownTracked.set(member.topic, (this.ownTracked.get(member.topic) ?? 0) + 1);
    }
    const entry: PresenceEntry = { key: member.presenceKey, meta };
    member.presence = entry;
    if (this.deps.presenceMeta) this.sentMetas.set(member, payload);
    this.emitOwn(member.topic, [entry], leaves);
  }

  untrack(member: Membership): void {
    const entry = member.presence;
    if (!entry) return;
    member.presence = undefined;
    this.sentMetas.delete(member);
    const count = (this.ownTracked.get(member.topic) ?? 1) - 1;
    if (count > 0) this.ownTracked.set(member.topic, count);
    else this.ownTracked.delete(member.topic);
    this.emitOwn(member.topic, [], [entry]);
  }

  /** The merged `presence_state` of every node's members. */
  state(topic: string): PresenceMap {
    const state = nullObject();
    for (const entry of this.ownEntries(topic)) addEntry(state, entry);
    for (const view of this.remote.get(topic)?.values() ?? []) {
      for (const entry of view.entries.values()) addEntry(state, entry);
    }
    return state;
  }

  onBusMessage(topic: string, message: TopicBusMessage): void {
    if (message.n === this.deps.nodeId || !this.deps.holdsTopic(topic)) return;
    if (message.k === 'pd') this.applyDiff(topic, message.n, validEntries(message.j), validEntries(message.l));
    else if (message.k === 'ph') this.applyHeartbeat(topic, message.n, validEntries(message.s));
    else if (message.k === 'ps') this.announce(topic);
  }

  /** The node started hearing `topic`: ask the others for their members. */
  requestSync(topic: string): void {
    this.deps.publish(topic, { k: 'ps', n: this.deps.nodeId });
  }

  /** Periodic: hide own members the `presenceMeta` hook no longer shows; announce own members per topic; expire silent nodes. */
  heartbeat(): void {
    for (const [member, payload] of [...this.sentMetas]) {
      if (this.shownMeta(member, payload) === undefined) this.untrack(member);
    }
    for (const topic of this.ownTracked.keys()) this.announce(topic);
    const nowMs = this.deps.nowMs();
    for (const [topic, views] of this.remote) {
      for (const [nodeId, view] of views) {
        if (nowMs - view.lastHeardMs <= this.deps.ttlMs) continue;
        views.delete(nodeId);
        this.pushDiff(topic, [], [...view.entries.values()]);
      }
      if (views.size === 0) this.remote.delete(topic);
    }
  }

  /** The node's last member of `topic` left: forget the topic. */
  dropTopic(topic: string): void {
    this.remote.delete(topic);
    this.ownTracked.delete(topic);
  }

  /** Topics with presence members (own or other nodes'). */
  get topicCount(): number {
    let count = this.remote.size;
    for (const topic of this.ownTracked.keys()) if (!this.remote.has(topic)) count++;
    return count;
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

  private ownEntries(topic: string): PresenceEntry[] {
    const entries: PresenceEntry[] = [];
    if (!this.ownTracked.has(topic)) return entries;
    for (const member of this.deps.localMembers(topic)) if (member.presence) entries.push(member.presence);
    return entries;
  }

  private announce(topic: string): void {
    const entries = this.ownEntries(topic);
    if (entries.length > 0) this.deps.publish(topic, { k: 'ph', n: this.deps.nodeId, s: entries });
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

  /** Another node's view of `topic`, created on first news from it. */
  private view(topic: string, nodeId: string): NodeView {
    let views = this.remote.get(topic);
    if (!views) {
      views = new Map();
      this.remote.set(topic, views);
    }
    let view = views.get(nodeId);
    if (!view) {
      view = { lastHeardMs: this.deps.nowMs(), entries: new Map() };
      views.set(nodeId, view);
    }
    return view;
  }

  private dropIfEmpty(topic: string, nodeId: string, view: NodeView): void {
    if (view.entries.size > 0) return;
    const views = this.remote.get(topic);
    views?.delete(nodeId);
    if (views?.size === 0) this.remote.delete(topic);
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
