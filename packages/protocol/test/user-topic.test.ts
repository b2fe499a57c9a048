import { describe, expect, it } from 'vitest';
import {
  buildUserTopic,
  NOTIFICATION_TOAST_EVENT,
  notificationToastSchema,
  parseTopic,
  parseUserTopic,
} from '../src/index.ts';

describe('R5.3 per-user topics user:{userId}', () => {
  it('parses user:{id} with or without the realtime: prefix and rebuilds it', () => {
    expect(parseUserTopic('user:u-emma')).toBe('u-emma');
    expect(parseUserTopic('realtime:user:u_1')).toBe('u_1');
    expect(buildUserTopic('u-emma')).toBe('user:u-emma');
  });

  it('refuses anything that is not exactly user:{id}', () => {
    for (const raw of ['user:', 'user:a:b', 'user:a b', 'users:u1', 'wedding:w1', `user:${'x'.repeat(65)}`]) {
      expect(parseUserTopic(raw)).toBeUndefined();
    }
    expect(() => buildUserTopic('a:b')).toThrow(RangeError);
  });

  it('stays outside the R2.1 product grammar (parseTopic refuses it with TOPIC_INVALID)', () => {
    expect(parseTopic('user:u1')).toMatchObject({ ok: false, code: 'TOPIC_INVALID' });
  });

  it('R5.1 toast payload schema accepts a toast and refuses an unknown trigger', () => {
    const toast = {
      id: 'form_submitted:12:u-sarah',
      trigger: 'form_submitted',
      importance: 'important',
      title: 'Form submitted',
      body: 'Emma completed the timeline form',
      createdAt: new Date(0).toISOString(),
    };
    expect(notificationToastSchema.parse(toast)).toEqual(toast);
    expect(notificationToastSchema.safeParse({ ...toast, trigger: 'nope' }).success).toBe(false);
    expect(NOTIFICATION_TOAST_EVENT).toBe('notification');
  });
});
