import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadOrCreateVapidKeys } from '../src/push/vapid-key-file.ts';

describe('VAPID keys of the embedded default (R5.4 push, issue 7 item 4)', () => {
  it('R5.4 generated once into DATA_DIR/vapid-keys.json (owner-only) and read back unchanged, so subscriptions survive a restart', async () => {
    const dataDir = join(await mkdtemp(join(tmpdir(), 'wedsync-vapid-')), 'data');
    try {
      const first = await loadOrCreateVapidKeys(dataDir);
      expect(first.publicKey).toMatch(/^[A-Za-z0-9_-]{87}$/);
      expect(Buffer.from(first.publicKey, 'base64url')[0]).toBe(0x04);
      expect((await stat(join(dataDir, 'vapid-keys.json'))).mode & 0o777).toBe(0o600);
      expect(await loadOrCreateVapidKeys(dataDir)).toEqual(first);
    } finally {
      await rm(join(dataDir, '..'), { recursive: true, force: true });
    }
  });
});
