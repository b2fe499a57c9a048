import { bindChannel, type Channel, type RecordStore } from '@wedsync/client';

interface Binding {
  count: number;
  unbind: () => void;
}

/** Bindings per store and channel: one `bindChannel` however many components sync the same topic. */
const bindings = new WeakMap<RecordStore, Map<Channel, Binding>>();

/**
 * Binds `channel` to `store` once, counted (several components may show records of one topic: the
 * couple app keeps its wedding channel bound while a page binds it too). The last release unbinds.
 * A channel that was already joined without the binding (e.g. by a presence-only hook) joined without
 * a resume point and would miss what it never replayed, so a snapshot is requested (R11.2).
 */
export function retainBinding(store: RecordStore, channel: Channel): () => void {
  let perStore = bindings.get(store);
  if (!perStore) {
    perStore = new Map();
    bindings.set(store, perStore);
  }
  let binding = perStore.get(channel);
  if (!binding) {
    const joinedWithoutSync = channel.state === 'joined' || channel.state === 'joining';
    binding = { count: 0, unbind: bindChannel(store, channel) };
    perStore.set(channel, binding);
    if (joinedWithoutSync) store.requestSnapshot(channel.topic);
  }
  binding.count += 1;
  const held = binding;
  let released = false;
  return () => {
    if (released) return;
    released = true;
    held.count -= 1;
    if (held.count > 0) return;
    held.unbind();
    if (perStore.get(channel) === held) perStore.delete(channel);
  };
}
