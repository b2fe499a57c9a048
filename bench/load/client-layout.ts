import { SignJWT } from 'jose';
import { BENCH_JWT_SECRET } from '../target/target-config.ts';

/** How the counting clients speak: Phoenix v2 frames (ours), raw text (plain ws), Engine.IO v4 (Socket.IO). */
export type Protocol = 'phoenix' | 'plain' | 'engineio';

/**
 * Where every client of a run goes. Client `g` (0 … totalClients-1, spread over the workers) is user
 * `u<g>`, member of room `floor(g / roomSize)`; with Phoenix it joins the room topic and, with
 * `userChannel`, its own `user:u<g>` topic.
 */
export interface ClientLayout {
  protocol: Protocol;
  url: string;
  totalClients: number;
  roomSize: number;
  /** Topic of room r: `${roomPrefix}${r}`. */
  roomPrefix: string;
  userChannel: boolean;
  /** Phoenix: join nothing (a bare connection; for memory breakdowns). */
  noChannels?: boolean;
  /** Phoenix: `off` — no presence; `receive` — presence_state/diff only; `track` — also track a meta. */
  presence: 'off' | 'receive' | 'track';
  /** Phoenix: join the room with record sync (`config.sync`, resuming from the last seq seen). */
  sync: boolean;
  /** Phoenix: a signed token per user in the URL (the server verifies it on connect). */
  auth: boolean;
  /** Spread client source addresses over 127.0.0.2 … (1 + n) so ephemeral ports do not run out; 0 = OS default. */
  sourceAddresses: number;
}

export const roomOf = (layout: ClientLayout, g: number): number => Math.floor(g / layout.roomSize);

export function roomMembers(layout: ClientLayout, room: number): number {
  return Math.max(0, Math.min(layout.roomSize, layout.totalClients - room * layout.roomSize));
}

export const roomTopic = (layout: ClientLayout, room: number): string => `${layout.roomPrefix}${room}`;

export const userIdOf = (g: number): string => `u${g}`;

export function topicsOf(layout: ClientLayout, g: number): string[] {
  if (layout.noChannels) return [];
  const topics = [roomTopic(layout, roomOf(layout, g))];
  if (layout.userChannel) topics.push(`user:${userIdOf(g)}`);
  return topics;
}

export function sourceAddressOf(layout: ClientLayout, g: number): string | undefined {
  return layout.sourceAddresses > 0 ? `127.0.0.${2 + (g % layout.sourceAddresses)}` : undefined;
}

const secretKey = new TextEncoder().encode(BENCH_JWT_SECRET);

/** An HS256 access token for user `u<g>`, valid 4 hours. */
export function signToken(g: number): Promise<string> {
  return new SignJWT({ name: `User ${g}`, role: 'authenticated' })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(userIdOf(g))
    .setIssuedAt()
    .setExpirationTime('4h')
    .sign(secretKey);
}
