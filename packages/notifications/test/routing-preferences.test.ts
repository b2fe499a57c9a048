import { describe, expect, it } from 'vitest';
import { parsePreferences } from '../src/preferences/notification-preferences.ts';
import { type ChannelDecision, routeNotification } from '../src/routing/notification-routing.ts';
import { quietHoursEndMs } from '../src/routing/quiet-hours.ts';
import { intent } from './notification-fixture.ts';

const device = { endpoint: 'https://push.example/d1', p256dh: 'p', auth: 'a' };
const NOON_UTC = Date.UTC(2026, 0, 15, 12, 0, 0);
const sent = (plan: ChannelDecision[]) => plan.filter((d) => d.decision === 'send').map((d) => d.channel);

describe('R5.1, R5.2 routing by importance, with preferences overriding', () => {
  it('R5.1 normal → toast, bell and push; important adds email; critical adds SMS', () => {
    expect(sent(routeNotification(intent({ importance: 'normal' }), {}, [device], NOON_UTC))).toEqual([
      'toast',
      'bell',
      'push',
    ]);
    expect(sent(routeNotification(intent({ importance: 'important' }), {}, [device], NOON_UTC))).toEqual([
      'toast',
      'bell',
      'email',
      'push',
    ]);
    expect(sent(routeNotification(intent({ importance: 'critical' }), {}, [device], NOON_UTC))).toEqual([
      'toast',
      'bell',
      'email',
      'sms',
      'push',
    ]);
  });

  it('R5.1 push goes to every subscribed device; none subscribed is recorded as no target', () => {
    const second = { ...device, endpoint: 'https://push.example/d2' };
    const plan = routeNotification(intent({ importance: 'normal' }), {}, [device, second], NOON_UTC);
    expect(plan.filter((d) => d.channel === 'push')).toEqual([
      { channel: 'push', decision: 'send', target: device.endpoint },
      { channel: 'push', decision: 'send', target: second.endpoint },
    ]);
    expect(
      routeNotification(intent({ importance: 'normal' }), {}, [], NOON_UTC).find((d) => d.channel === 'push'),
    ).toEqual({ channel: 'push', decision: 'no_target', reason: 'no subscribed device' });
  });

  it('R5.2 a per-trigger preference beats the per-channel one, which beats the importance default', () => {
    const prefs = parsePreferences({
      channels: { email: false, sms: true },
      triggers: { payment_received: { email: true }, form_submitted: { toast: false } },
    });
    const payment = routeNotification(
      intent({ trigger: 'payment_received', importance: 'important' }),
      prefs,
      [],
      NOON_UTC,
    );
    expect(sent(payment)).toEqual(['toast', 'bell', 'email', 'sms']);
    const form = routeNotification(intent({ trigger: 'form_submitted', importance: 'important' }), prefs, [], NOON_UTC);
    expect(sent(form)).toEqual(['bell', 'sms']);
    expect(form.find((d) => d.channel === 'email')).toEqual({
      channel: 'email',
      decision: 'off',
      reason: 'preference',
    });
    expect(form.find((d) => d.channel === 'toast')).toEqual({
      channel: 'toast',
      decision: 'off',
      reason: 'preference',
    });
  });

  it('R5.2 contact overrides: preference email and phone win over the account contact; missing ones are no target', () => {
    const prefs = parsePreferences({ email: 'me@else.example', phone: '+447700900999' });
    const plan = routeNotification(intent({ importance: 'critical' }), prefs, [], NOON_UTC);
    expect(plan.find((d) => d.channel === 'email')).toMatchObject({ decision: 'send', target: 'me@else.example' });
    expect(plan.find((d) => d.channel === 'sms')).toMatchObject({ decision: 'send', target: '+447700900999' });
    const bare = routeNotification(intent({ importance: 'critical', contact: {} }), {}, [], NOON_UTC);
    expect(bare.find((d) => d.channel === 'sms')).toEqual({
      channel: 'sms',
      decision: 'no_target',
      reason: 'no phone number',
    });
    expect(bare.find((d) => d.channel === 'email')).toMatchObject({ decision: 'no_target' });
  });

  it('R5.2 quiet hours hold SMS and push until they end (toast, bell, email go now); critical passes unless included', () => {
    const quiet = { quietHours: { start: '22:00', end: '07:00', timeZone: 'Europe/London' } };
    const night = Date.UTC(2026, 0, 15, 23, 30, 0); // 23:30 in London (GMT in January)
    const endsAt = Date.UTC(2026, 0, 16, 7, 0, 0);
    const important = routeNotification(intent({ importance: 'important' }), parsePreferences(quiet), [device], night);
    expect(important.find((d) => d.channel === 'push')).toMatchObject({ decision: 'send', notBeforeMs: endsAt });
    expect(important.find((d) => d.channel === 'email')).not.toHaveProperty('notBeforeMs');
    const critical = routeNotification(intent({ importance: 'critical' }), parsePreferences(quiet), [device], night);
    expect(critical.find((d) => d.channel === 'sms')).not.toHaveProperty('notBeforeMs');
    const strict = parsePreferences({ quietHours: { ...quiet.quietHours, includeCritical: true } });
    const held = routeNotification(intent({ importance: 'critical' }), strict, [device], night);
    expect(held.find((d) => d.channel === 'sms')).toMatchObject({ notBeforeMs: endsAt });
    expect(
      routeNotification(intent({ importance: 'critical' }), strict, [device], NOON_UTC).find(
        (d) => d.channel === 'sms',
      ),
    ).not.toHaveProperty('notBeforeMs');
  });

  it('R5.2 quiet hours follow the time zone (summer time) and windows that do not wrap midnight', () => {
    const summerNight = Date.UTC(2026, 6, 1, 21, 30, 0); // 22:30 BST
    expect(quietHoursEndMs({ start: '22:00', end: '07:00', timeZone: 'Europe/London' }, summerNight)).toBe(
      Date.UTC(2026, 6, 2, 6, 0, 0),
    );
    expect(
      quietHoursEndMs({ start: '22:00', end: '07:00', timeZone: 'Europe/London' }, Date.UTC(2026, 6, 1, 20, 0, 0)),
    ).toBeUndefined();
    expect(quietHoursEndMs({ start: '13:00', end: '14:00', timeZone: 'UTC' }, Date.UTC(2026, 0, 1, 13, 15, 30))).toBe(
      Date.UTC(2026, 0, 1, 14, 0, 0),
    );
  });

  it('R5.2 invalid preferences are refused with VALIDATION_FAILED naming the setting', () => {
    const bad: Array<[unknown, RegExp]> = [
      [{ triggers: { nope: { email: true } } }, /triggers\.nope/],
      [{ channels: { fax: true } }, /channels\.fax/],
      [{ channels: { email: 'yes' } }, /channels\.email/],
      [{ quietHours: { start: '25:00', end: '07:00', timeZone: 'UTC' } }, /quietHours\.start/],
      [{ quietHours: { start: '22:00', end: '07:00', timeZone: 'Mars/Olympus' } }, /quietHours\.timeZone/],
      [{ phone: '0770' }, /phone/],
      [{ colour: 'red' }, /colour/],
      ['x', /root/],
    ];
    for (const [input, message] of bad) {
      expect(() => parsePreferences(input)).toThrow(message);
      try {
        parsePreferences(input);
      } catch (error) {
        expect((error as { code?: string }).code).toBe('VALIDATION_FAILED');
      }
    }
  });
});
