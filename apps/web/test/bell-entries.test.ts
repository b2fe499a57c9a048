import type { RecordView } from '@wedsync/client';
import { describe, expect, test } from 'vitest';
import { bellEntryOf } from '../src/notifications/bell-entries.ts';

const record = (fields: Record<string, unknown>): RecordView => ({
  c: 'notifications',
  id: 'form_submitted:41:u-sarah',
  v: 1,
  topic: 'user:u-sarah',
  fields,
  pendingFields: [],
});

describe('bell entries from notification records', () => {
  test('R5.3 unread while readAtMs is null, read once it holds a time; trigger is the filter type', () => {
    const base = { trigger: 'form_submitted', title: 'Form submitted', body: 'Emma completed it', createdAtMs: 5 };
    expect(bellEntryOf(record({ ...base, readAtMs: null }))).toMatchObject({
      type: 'form_submitted',
      read: false,
      atMs: 5,
      body: 'Emma completed it',
    });
    expect(bellEntryOf(record({ ...base, readAtMs: 9 }))?.read).toBe(true);
  });

  test('R5.3 a record without title or time is not shown', () => {
    expect(bellEntryOf(record({ trigger: 'form_submitted' }))).toBeUndefined();
  });
});
