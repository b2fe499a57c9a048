import type { DataUsage, RealtimeClient } from '@wedsync/client';
import { useEffect, useState } from 'react';

/** Re-render at most this often while bytes flow (the meter counts every frame). */
const REFRESH_MS = 2_000;

/** The realtime link's data usage (R13.2), refreshed at most every 2 s while it changes. */
export function useDataUsage(client: RealtimeClient): DataUsage {
  const [usage, setUsage] = useState<DataUsage>(() => client.usage());
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    setUsage(client.usage());
    const off = client.usageMeter.onChange(() => {
      if (timer !== undefined) return;
      timer = setTimeout(() => {
        timer = undefined;
        setUsage(client.usage());
      }, REFRESH_MS);
    });
    return () => {
      off();
      clearTimeout(timer);
    };
  }, [client]);
  return usage;
}

/** "850 KB", "12.4 MB". */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}
