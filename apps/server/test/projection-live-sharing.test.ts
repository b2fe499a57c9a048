import type { ChangesPayload, ResyncPayload } from '@wedsync/protocol';
import { fieldIdOf, sharingId } from '@wedsync/wedding';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReceivedFrame } from '../../../packages/server/test/fixtures/sync-test-client.ts';
import { AppCluster, allFrames } from './wiring-fixture.ts';

const WEDDING = 'w-emma-james';
const WEDDING_TOPIC = `wedding:${WEDDING}`;
const GUEST_COUNT = String(fieldIdOf('weddings', 'guestCount'));
/** A value no seq, time or id contains on its own (R14.2 frame scan). */
const SECRET_COUNT = 98_765;

const weddingIn = (frame: ReceivedFrame) =>
  (frame.payload as ResyncPayload).records.find((record) => record.c === 'weddings' && record.id === WEDDING);

// Issue 4 item 3 through the whole app: rights are current before a change is projected, and a sharing
// change takes effect live on the supplier's screen (R14.2, DESIGN §3).
describe('R14.2 live sharing through the app', () => {
  let cluster: AppCluster;
  beforeAll(async () => {
    cluster = await AppCluster.start();
  }, 120_000);
  afterAll(async () => {
    await cluster?.close();
  });

  it('R14.2 unsharing the guest count and changing it at once: Feast never receives the new value; its screen loses the field live, and gains it back when re-shared', async () => {
    const emma = await cluster.connect('u-emma');
    const olivia = await cluster.connect('u-olivia');
    await emma.join(WEDDING_TOPIC);
    for (const topic of [WEDDING_TOPIC, 'supplier:feast', 'supplier:feast:clients']) await olivia.join(topic);

    // Unshare, then change the guest count without waiting for anything in between.
    const sharingBase = await cluster.versionOf('sharing', sharingId(WEDDING, 'feast'));
    const weddingBase = await cluster.versionOf('weddings', WEDDING);
    const unshare = emma.mutate(WEDDING_TOPIC, 'emma-tab', [
      {
        mid: 1,
        c: 'sharing',
        id: sharingId(WEDDING, 'feast'),
        base: sharingBase,
        ops: cluster.ops('sharing', { guestCount: false }),
      },
    ]);
    const change = emma.mutate(WEDDING_TOPIC, 'emma-tab', [
      {
        mid: 2,
        c: 'weddings',
        id: WEDDING,
        base: weddingBase,
        ops: cluster.ops('weddings', { guestCount: SECRET_COUNT }),
      },
    ]);
    const [unshared, changed] = await Promise.all([unshare, change]);
    expect(unshared.response.results[0]).toMatchObject({ status: 'applied' });
    const { seq } = changed.response.results[0] as { seq: number };

    // Feast's screen loses the field: a fresh snapshot of the wedding without the guest count.
    const lost = await olivia.waitFor((frame) => frame.topic === WEDDING_TOPIC && frame.event === 'sync_resync');
    expect(weddingIn(lost)?.fields).not.toHaveProperty(GUEST_COUNT);
    // Emma sees her change; later activity reaches Feast's channels (so everything about seq was sent).
    await emma.waitForSeq(WEDDING_TOPIC, seq);
    const venue = await cluster.write(emma, WEDDING_TOPIC, 'weddings', WEDDING, { venue: 'The Barn, Surrey' });
    await olivia.waitForSeq(WEDDING_TOPIC, venue.seq ?? 0);
    await olivia.waitFor((frame) => frame.event === 'activity_added' && /venue/.test(JSON.stringify(frame.payload)));
    expect(allFrames(olivia)).not.toMatch(new RegExp(`\\b${SECRET_COUNT}\\b`));

    // Re-share: the field comes back live, with the value Feast may now see.
    await cluster.write(emma, WEDDING_TOPIC, 'sharing', sharingId(WEDDING, 'feast'), { guestCount: true });
    const gained = await olivia.waitFor(
      (frame) =>
        frame.topic === WEDDING_TOPIC &&
        frame.event === 'sync_resync' &&
        weddingIn(frame)?.fields[GUEST_COUNT] !== undefined,
    );
    expect(weddingIn(gained)?.fields[GUEST_COUNT]).toBe(SECRET_COUNT);
  });

  it('R2.2 a couple connects a new supplier: its open clients channel gets the wedding’s snapshot, then live changes without rejoining', async () => {
    const noah = await cluster.connect('u-noah');
    const emma = await cluster.connect('u-emma');
    const clients = 'supplier:bloom:clients';
    await noah.join(clients);
    await emma.join('couple:c-emma-james');
    expect(allFrames(noah)).not.toMatch(/emma|james/i);

    await cluster.write(emma, 'couple:c-emma-james', 'connections', `conn-${WEDDING}-bloom`, {
      weddingId: WEDDING,
      supplierId: 'bloom',
      status: 'active',
      connectedAtMs: Date.now(),
    });
    const snapshot = await noah.waitFor(
      (frame) => frame.topic === clients && frame.event === 'sync_resync' && weddingIn(frame) !== undefined,
    );
    expect((snapshot.payload as ResyncPayload).reason).toBe('SNAPSHOT');

    const { seq } = await cluster.write(emma, 'couple:c-emma-james', 'weddings', WEDDING, { venue: 'Kew Gardens' });
    const live = await noah.waitForSeq(clients, seq ?? 0);
    const changed = (live.payload as ChangesPayload).changes.find((c) => c.c === 'weddings' && c.id === WEDDING);
    expect(changed?.ops).toContainEqual({ k: 'set', f: fieldIdOf('weddings', 'venue'), v: 'Kew Gardens' });
    expect(noah.framesOf(clients, 'phx_close')).toEqual([]);
  });
});
