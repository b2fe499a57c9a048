import type { PresenceMeta } from '@wedsync/protocol';

/**
 * Messages between nodes. Each is one JSON string, serialised once by the publishing node. The
 * topic is implied by the bus subject (`rt:topic:<topic>`); `n` is the publishing node, so a node
 * ignores its own echoes (it delivered locally already).
 */
export interface PresenceEntry {
  key: string;
  meta: PresenceMeta;
}

export type TopicBusMessage =
  /** A push `[null, null, topic, e, p]` to every member, except session `x`. */
  | { k: 'm'; n: string; e: string; p: unknown; x?: string }
  /** A raw-binary user broadcast (event `ue`, bytes as base64), except session `x`. */
  | { k: 'mb'; n: string; ue: string; b64: string; x?: string }
  /** Presence diff of node `n`'s own members. */
  | { k: 'pd'; n: string; j: PresenceEntry[]; l: PresenceEntry[] }
  /** Presence heartbeat: the full list of node `n`'s members on this topic. */
  | { k: 'ph'; n: string; s: PresenceEntry[] }
  /** A node just started hearing this topic: others re-announce their members at once. */
  | { k: 'ps'; n: string };

/** Subject for node-wide control messages. */
export const CONTROL_SUBJECT = 'rt:control';

export type ControlBusMessage = { k: 'rv'; n: string; u: string; f?: string };

/**
 * A test for a node's own echoes that runs before `JSON.parse` (issue 9): every topic bus message is
 * serialised with `k` first and `n` second (object literals through `JSON.stringify`, and the `m`
 * message built by hand in topic-delivery.ts), so an own message starts with `{"k":"<kind>","n":<own id JSON>`.
 * Own messages need no parsing: delivery and presence drop every message of their own node.
 */
export function ownMessageTest(nodeId: string): (text: string) => boolean {
  const nodeField = `,"n":${JSON.stringify(nodeId)}`;
  return (text) => {
    if (!text.startsWith('{"k":"')) return false;
    const kindEnd = text.indexOf('"', 6);
    return kindEnd > 0 && text.startsWith(nodeField, kindEnd + 1);
  };
}

/** Parses a bus message; undefined for anything that is not an object with string `k` and `n`. */
export function parseBusMessage<T extends { k: string; n: string }>(text: string): T | undefined {
  try {
    const value: unknown = JSON.parse(text);
    if (value === null || typeof value !== 'object') return undefined;
    const { k, n } = value as Record<string, unknown>;
    return typeof k === 'string' && typeof n === 'string' ? (value as T) : undefined;
  } catch {
    return undefined;
  }
}
