import type { RecordStore } from '@wedsync/client';
import { createContext, type ReactNode, useContext } from 'react';

const RecordStoreContext = createContext<RecordStore | null>(null);

/** Makes the app's record store (R3, R11) available to the record hooks. The provider never closes it. */
export function RecordStoreProvider({ store, children }: { store: RecordStore; children: ReactNode }) {
  return <RecordStoreContext.Provider value={store}>{children}</RecordStoreContext.Provider>;
}

export function useRecordStore(): RecordStore {
  const store = useContext(RecordStoreContext);
  if (!store) throw new Error('useRecordStore: wrap the tree in <RecordStoreProvider store={…}>');
  return store;
}
