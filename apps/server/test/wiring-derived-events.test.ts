import type { LivePropagationPayload } from '@wedsync/protocol';
import { fieldIdOf } from '@wedsync/wedding';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReceivedFrame, SyncTestClient } from '../../../packages/server/test/fixtures/sync-test-client.ts';
import { AppCluster } from './wiring-fixture.ts';

const WEDDING_TOPIC = 'wedding:w-emma-james';
const payloadOf = (frame: ReceivedFrame) => frame.payload as LivePropagationPayload;
const events = (client: SyncTestClient, topic: string) =>
  client.frames.filter((frame) => frame.topic === topic && /_changed$|^bound_form_field$/.test(frame.event));
const presenceConfig = (key: string) => ({ config: { presence: { key, enabled: true } } });
const track = { type: 'presence', event: 'track', payload: { status: 'active' } };
const diffs = (client: SyncTestClient) => client.frames.filter((frame) => frame.event === 'presence_diff');

describe('app wiring of derived events and presence (issue 4 items 4–5)', () => {
  let cluster: AppCluster;
  beforeAll(async () => {
    cluster = await AppCluster.start();
  }, 120_000);
  afterAll(async () => {
    await cluster?.close();
  });

  it('R3.1 R3.2 R3.3 a guest-count change reaches the couple and every supplier it is shared with, caterers also as guest_count_changed, bound form fields on the form channel', async () => {
    const emma = await cluster.connect('u-emma');
    const olivia = await cluster.connect('u-olivia');
    const sarah = await cluster.connect('u-sarah');
    await emma.join(WEDDING_TOPIC);
    await emma.join('couple:c-emma-james');
    await olivia.join('supplier:feast');
    await olivia.join('form:f-feast-menu');
    await sarah.join('supplier:lenslight');

    const before = (await cluster.storage.getRecord('weddings', 'w-emma-james'))?.fields[
      fieldIdOf('weddings', 'guestCount')
    ];
    const { seq } = await cluster.write(emma, WEDDING_TOPIC, 'weddings', 'w-emma-james', { guestCount: 130 });
    const expected = { weddingId: 'w-emma-james', by: 'u-emma', byName: 'Emma', seq, from: before, to: 130 };
    const couple = await emma.waitFor((frame) => frame.event === 'core_field_changed');
    expect(couple.topic).toBe('couple:c-emma-james');
    expect(payloadOf(couple)).toMatchObject({ kind: 'core_field_changed', coreField: 'guestCount', ...expected });
    const caterer = await olivia.waitFor((frame) => frame.event === 'guest_count_changed');
    expect(payloadOf(caterer)).toMatchObject({ supplierId: 'feast', supplierType: 'caterer', ...expected });
    const bound = await olivia.waitFor(
      (frame) => frame.topic === 'form:f-feast-menu' && frame.event === 'bound_form_field',
    );
    expect(payloadOf(bound)).toMatchObject({
      kind: 'bound_form_field',
      formId: 'f-feast-menu',
      assignmentId: 'a-emma-menu',
      formFieldId: 'm1',
      value: 130,
    });
    expect(events(olivia, 'supplier:feast').map((frame) => frame.event)).toEqual([
      'core_field_changed',
      'bound_form_field',
      'guest_count_changed',
    ]);
    // The photographer gets the change, not the caterer/venue event: its activity item comes after.
    await sarah.waitFor((frame) => frame.event === 'activity_added');
    expect(events(sarah, 'supplier:lenslight').map((frame) => frame.event)).toEqual([
      'core_field_changed',
      'bound_form_field',
    ]);
  });

  it('R14.2 a core field not shared with a supplier raises nothing for it (Oakwood does not see the contact)', async () => {
    const emma = await cluster.connect('u-emma');
    const liam = await cluster.connect('u-liam');
    await emma.join(WEDDING_TOPIC);
    await liam.join('supplier:oakwood');
    await cluster.write(emma, WEDDING_TOPIC, 'weddings', 'w-emma-james', {
      contact: { email: 'emma.new@wedme.example', phone: '+44 7700 900999' },
    });
    await cluster.write(emma, WEDDING_TOPIC, 'weddings', 'w-emma-james', { venue: 'Oakwood Hall, East Wing' });
    const venue = await liam.waitFor((frame) => frame.event === 'core_field_changed');
    expect(payloadOf(venue)).toMatchObject({ coreField: 'venue', to: 'Oakwood Hall, East Wing' });
    expect(JSON.stringify(liam.frames)).not.toMatch(/900999|emma\.new/);
  });

  it('R14.2 R4.3 a person who switched presence off is never shown; switched on again, a re-track shows them', async () => {
    await cluster.serverWrite('directory', 'users', 'u-james', { presenceVisible: false });
    const emma = await cluster.connect('u-emma');
    const james = await cluster.connect('u-james');
    const sarah = await cluster.connect('u-sarah');
    await emma.request(WEDDING_TOPIC, 'phx_join', presenceConfig('u-emma'));
    await james.request(WEDDING_TOPIC, 'phx_join', presenceConfig('u-james'));
    await sarah.request(WEDDING_TOPIC, 'phx_join', presenceConfig('u-sarah'));

    expect((await james.request(WEDDING_TOPIC, 'presence', track)).status).toBe('ok');
    await sarah.request(WEDDING_TOPIC, 'presence', track);
    const first = await emma.waitFor((frame) => frame.event === 'presence_diff');
    expect(Object.keys((first.payload as { joins: object }).joins)).toEqual(['u-sarah']);

    await cluster.serverWrite('directory', 'users', 'u-james', { presenceVisible: true });
    await james.request(WEDDING_TOPIC, 'presence', track);
    const shown = await emma.waitFor(
      (frame) => frame.event === 'presence_diff' && 'u-james' in (frame.payload as { joins: object }).joins,
    );
    expect(shown.topic).toBe(WEDDING_TOPIC);
    expect(diffs(emma)).toHaveLength(2);
  });
});
