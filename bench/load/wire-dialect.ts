import type { BenchConnection, ConnectionHooks } from './bench-connection.ts';
import type { ClientLayout, Protocol } from './client-layout.ts';
import { userIdOf } from './client-layout.ts';

/** The protocol-specific part of a counting client. */
export interface WireDialect {
  url(layout: ClientLayout, connection: BenchConnection, token: string | undefined): string;
  /** After the socket opened: resolves when the client may send (Engine.IO handshake, Phoenix joins). */
  setup(layout: ClientLayout, connection: BenchConnection): Promise<void>;
  /** A received text message without a stamp. */
  onText(connection: BenchConnection, text: string, hooks: ConnectionHooks): void;
  /** The frame that publishes `payload` (a stamped JSON object) to the connection's room. */
  stampedFrame(connection: BenchConnection, topic: string, payload: string): string;
  heartbeat(connection: BenchConnection): void;
}

/** Our protocol: Phoenix Channels v2 frames, Supabase-style join config. */
const phoenix: WireDialect = {
  url: (layout, _connection, token) => `${layout.url}?vsn=2.0.0${token ? `&access_token=${token}` : ''}`,
  async setup(layout, connection) {
    const replies = await Promise.all(
      connection.topics.map((topic, index) =>
        connection.request(topic, 'phx_join', joinPayload(layout, connection, index === 0)),
      ),
    );
    const refused = replies.find((reply) => reply.status !== 'ok');
    if (refused) throw new Error(`join refused: ${JSON.stringify(refused.response)}`);
    if (layout.presence !== 'track') return;
    const tracked = await Promise.all(
      connection.topics.map((topic) =>
        connection.request(topic, 'presence', {
          type: 'presence',
          event: 'track',
          payload: { status: 'active', g: connection.g },
        }),
      ),
    );
    const failed = tracked.find((reply) => reply.status !== 'ok');
    if (failed) throw new Error(`track refused: ${JSON.stringify(failed.response)}`);
  },
  onText(connection, text, hooks) {
    let frame: unknown;
    try {
      frame = JSON.parse(text);
    } catch {
      return;
    }
    if (!Array.isArray(frame)) return;
    const [, ref, topic, event, payload] = frame as [unknown, unknown, string, string, unknown];
    if (event === 'phx_reply' && connection.settleReply(ref, payload)) return;
    hooks.onPush(connection, topic, event, payload);
  },
  stampedFrame: (connection, topic, payload) =>
    `[${JSON.stringify(connection.joinRefs.get(topic) ?? null)},null,${JSON.stringify(topic)},"broadcast",{"type":"broadcast","event":"m","payload":${payload}}]`,
  heartbeat: (connection) => connection.send('[null,"hb","phoenix","heartbeat",{}]'),
};

/** The join payload of a topic; the room topic (index 0) carries the sync config. */
export function joinPayload(layout: ClientLayout, connection: BenchConnection, isRoom: boolean): unknown {
  const sync =
    layout.sync && isRoom ? { sync: connection.lastSeq === undefined ? {} : { since: connection.lastSeq } } : {};
  return {
    config: {
      broadcast: { self: false, ack: false },
      presence: { key: userIdOf(connection.g), enabled: layout.presence !== 'off' },
      private: false,
      ...sync,
    },
  };
}

/** The plain `ws` baseline: no protocol at all, the room is in the URL. */
const plain: WireDialect = {
  url: (layout, connection) => `${layout.url}?room=${connection.room}`,
  setup: async () => {},
  onText: () => {},
  stampedFrame: (_connection, _topic, payload) => payload,
  heartbeat: () => {},
};

/** Socket.IO 4 over Engine.IO v4, WebSocket transport only: `0` open → `40` connect; ping `2` → pong `3`. */
const engineIo: WireDialect = {
  url: (layout, connection) => `${layout.url}?EIO=4&transport=websocket&room=${connection.room}`,
  setup(_layout, connection) {
    if (connection.handshakeDone) return Promise.resolve();
    return new Promise((resolve, reject) => {
      connection.handshake = { resolve, reject };
    });
  },
  onText(connection, text) {
    if (text === '2') connection.send('3');
    else if (text.startsWith('0')) connection.send('40');
    else if (text.startsWith('40')) {
      connection.handshakeDone = true;
      connection.handshake?.resolve();
      connection.handshake = undefined;
    } else if (text.startsWith('44')) {
      connection.handshake?.reject(new Error(`socket.io connect_error ${text}`));
      connection.handshake = undefined;
    }
  },
  stampedFrame: (_connection, _topic, payload) => `42["m",${payload}]`,
  heartbeat: () => {},
};

export const DIALECTS: Record<Protocol, WireDialect> = { phoenix, plain, engineio: engineIo };
