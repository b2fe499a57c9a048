import type { RealtimeServer, RecordSync } from '@wedsync/server';
import type { AppliedChange, WeddingModel } from '@wedsync/wedding';
import { deliverActivity } from './derived-activity.ts';
import { deliverPropagation, resendReprojections } from './derived-propagation.ts';
import type { FollowEffects } from './model-follower.ts';

/** Called with every batch of changes the Directory applied on this node, in `seq` order. */
export type AppliedListener = (changes: readonly AppliedChange[]) => void;

/**
 * What this node does after its Directory applied changes (issue 4 items 3–5), in order:
 * channels whose scopes changed are re-read (`refreshScopes`, e.g. a newly connected wedding reaches
 * `supplier:{S}:clients`); per change, propagation events and new activity items go to local members,
 * and audiences whose sharing changed get fresh snapshots; then other parts of the app (`listeners`)
 * are told. (Activity records are not written here: they are derived in the change's own
 * transaction, see `activityDerivation`.)
 */
export function derivedEffects(deps: {
  model: WeddingModel;
  realtime: RealtimeServer;
  sync: RecordSync;
  listeners: ReadonlySet<AppliedListener>;
  nowMs: () => number;
}): FollowEffects {
  const { model, realtime, sync, listeners } = deps;
  return {
    rescoped: (topics) => sync.refreshScopes(topics),
    async applied(changes) {
      for (const applied of changes) {
        deliverPropagation(model, realtime, applied);
        deliverActivity(model, realtime, applied, deps.nowMs());
        await resendReprojections(model, sync, applied);
      }
      for (const listener of listeners) listener(changes);
    },
  };
}
