import type { RealtimeClient } from '@wedsync/client';
import { createContext, type ReactNode, useContext } from 'react';

const RealtimeContext = createContext<RealtimeClient | null>(null);

export interface RealtimeProviderProps {
  /** The app's one client (R1.1: one WebSocket per tab). The provider never creates or closes it. */
  client: RealtimeClient;
  children: ReactNode;
}

/** Makes the client available to every hook below it. */
export function RealtimeProvider({ client, children }: RealtimeProviderProps) {
  return <RealtimeContext.Provider value={client}>{children}</RealtimeContext.Provider>;
}

/** The client from the nearest RealtimeProvider; throws a clear error outside one. */
export function useRealtimeClient(): RealtimeClient {
  const client = useContext(RealtimeContext);
  if (!client) throw new Error('useRealtimeClient: wrap the tree in <RealtimeProvider client={…}>');
  return client;
}
