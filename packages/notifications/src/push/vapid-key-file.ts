import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { generateVapidKeys, type VapidKeys } from '../senders/web-push-sender.ts';

/**
 * The VAPID key pair of the embedded default (issue 7 item 4): generated once and kept in
 * `<dataDir>/vapid-keys.json` (mode 0600), so browser subscriptions stay valid across restarts.
 * Several nodes must share one pair (one DATA_DIR, or VAPID_PUBLIC_KEY / VAPID_PRIVATE_KEY).
 */
export async function loadOrCreateVapidKeys(dataDir: string): Promise<VapidKeys> {
  const file = join(dataDir, 'vapid-keys.json');
  try {
    const stored = JSON.parse(await readFile(file, 'utf8')) as Partial<VapidKeys>;
    if (typeof stored.publicKey === 'string' && typeof stored.privateKey === 'string') {
      return { publicKey: stored.publicKey, privateKey: stored.privateKey };
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  await mkdir(dataDir, { recursive: true });
  const keys = generateVapidKeys();
  await writeFile(file, `${JSON.stringify(keys)}\n`, { mode: 0o600 });
  return keys;
}
