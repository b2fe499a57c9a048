import { jsonParam, type SqlClient } from '@wedsync/storage-postgres';
import { type NotificationPreferences, parsePreferences } from './notification-preferences.ts';

/** Per-user preferences in SQL (`notify_preferences`). Absent = every default. */
export class PreferencesStore {
  constructor(private readonly sql: SqlClient) {}

  async get(userId: string, client: SqlClient = this.sql): Promise<NotificationPreferences> {
    const rows = await client.query<{ prefs: unknown }>('SELECT prefs FROM notify_preferences WHERE user_id = $1', [
      userId,
    ]);
    const raw = rows[0]?.prefs;
    if (raw === undefined) return {};
    return parsePreferences(typeof raw === 'string' ? JSON.parse(raw) : raw);
  }

  /** Validates (PreferencesError on bad input) and replaces the person's preferences; returns them. */
  async put(userId: string, input: unknown, nowMs: number): Promise<NotificationPreferences> {
    const prefs = parsePreferences(input);
    await this.sql.query(
      `INSERT INTO notify_preferences (user_id, prefs, updated_at_ms) VALUES ($1, $2::text::jsonb, $3)
       ON CONFLICT (user_id) DO UPDATE SET prefs = EXCLUDED.prefs, updated_at_ms = EXCLUDED.updated_at_ms`,
      [userId, jsonParam(prefs), nowMs],
    );
    return prefs;
  }
}
