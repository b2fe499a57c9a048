import type { NetworkInformationLike } from '@wedsync/client';

/**
 * The browser's network information as the NetworkPolicy should see it under the user's cellular
 * choice (R13.2 sync settings): with "live updates on mobile data" a cellular link alone does not
 * count as constrained (slow links and the browser's data saver still do). Read live, so a changed
 * choice applies at the policy's next check.
 */
export function networkView(
  raw: NetworkInformationLike | null,
  liveOnCellular: () => boolean,
): NetworkInformationLike | null {
  if (!raw) return null;
  return {
    get effectiveType() {
      return raw.effectiveType;
    },
    get saveData() {
      return raw.saveData;
    },
    get type() {
      return raw.type === 'cellular' && liveOnCellular() ? undefined : raw.type;
    },
    addEventListener: (type, listener) => raw.addEventListener?.(type, listener),
    removeEventListener: (type, listener) => raw.removeEventListener?.(type, listener),
  };
}

/** `navigator.connection` where the browser has it (Chromium), else null. */
export function browserConnection(): NetworkInformationLike | null {
  return (globalThis as { navigator?: { connection?: NetworkInformationLike } }).navigator?.connection ?? null;
}
