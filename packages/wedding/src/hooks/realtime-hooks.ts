import type { ErrorCode, Topic } from '@wedsync/protocol';
import type { Directory } from '../directory/directory.ts';
import { canJoin } from '../rights/join-rights.ts';

type Decision = true | { ok: false; code: ErrorCode; message: string };

/**
 * The engine's `RealtimeHooks` (createRealtimeServer `hooks`, R2.2, R14.1): every join and every
 * message is decided from the Directory. Topics outside the R2.1 grammar are refused with
 * TOPIC_INVALID; an app with extra topics wraps these hooks and decides those itself.
 */
export function weddingRealtimeHooks(directory: Directory): {
  authorizeJoin(ctx: { user: { id: string }; topic: string; parsedTopic: Topic | undefined }): Decision;
  authorizeMessage(ctx: { user: { id: string }; topic: string; parsedTopic: Topic | undefined }): Decision;
} {
  const decide = (ctx: { user: { id: string }; topic: string; parsedTopic: Topic | undefined }): Decision => {
    const decision = canJoin(directory, ctx.user.id, ctx.parsedTopic ?? ctx.topic);
    return decision.ok ? true : { ok: false, code: decision.code, message: decision.message };
  };
  return { authorizeJoin: decide, authorizeMessage: decide };
}
