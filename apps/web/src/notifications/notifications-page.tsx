import { useEffect, useState } from 'react';
import { useServerJson } from '../supplier/use-server-json.ts';
import { type DeliveryEntry, deliveryEntryOf, type OutboxJobJson } from './delivery-entries.ts';
import { type NotificationSettings, notificationSettingsOf, preferencesFromSettings } from './notification-settings.ts';

type Preferences = Record<string, unknown>;
const OWN_TIME_ZONE = Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';

/**
 * The signed-in person's notifications page (R5.2, R5.4; emails link here as /settings/notifications):
 * channel settings and quiet hours, then the delivery log — what went out by email, SMS, push and in
 * app with its attempts, and, with no email/SMS provider configured, what would have been sent.
 */
export function NotificationsPage({ token }: { token: string }) {
  const outbox = useServerJson<{ jobs: OutboxJobJson[] }>('/api/notifications/outbox', {
    token,
    refreshOn: ['notifications'],
  });
  const [preferences, setPreferences] = useState<Preferences | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  useEffect(() => {
    const abort = new AbortController();
    fetch('/api/notifications/preferences', { headers: { authorization: `Bearer ${token}` }, signal: abort.signal })
      .then(async (response) => {
        if (!response.ok) throw new Error(`HTTP ${response.status}`);
        setPreferences(((await response.json()) as { preferences: Preferences }).preferences);
      })
      .catch((error: Error) => {
        if (!abort.signal.aborted) setNotice(`Settings unavailable: ${error.message}`);
      });
    return () => abort.abort();
  }, [token]);

  const save = async (next: Preferences) => {
    const response = await fetch('/api/notifications/preferences', {
      method: 'PUT',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(next),
    });
    const body = (await response.json().catch(() => null)) as {
      preferences?: Preferences;
      error?: { message?: string };
    } | null;
    if (!response.ok || !body?.preferences) {
      setNotice(`Not saved: ${body?.error?.message ?? `HTTP ${response.status}`}`);
      return;
    }
    setPreferences(body.preferences);
    setNotice('Saved.');
  };

  return (
    <div className="page">
      <h1 className="page__title">Notifications</h1>
      <div className="card">
        {preferences ? (
          <NotificationSettingsForm preferences={preferences} timeZone={OWN_TIME_ZONE} onSave={save} />
        ) : (
          <p className="ws-muted">Loading settings…</p>
        )}
        {notice ? (
          <p role="status" className="ws-muted">
            {notice}
          </p>
        ) : null}
      </div>
      <div className="card">
        <h2>Delivery log</h2>
        {outbox.error ? (
          <p role="status" className="ws-muted">
            Delivery log unavailable: {outbox.error}
          </p>
        ) : null}
        <DeliveryLog entries={outbox.data ? outbox.data.jobs.map(deliveryEntryOf) : null} />
      </div>
    </div>
  );
}

/** Channel switches, quiet hours and SMS number; `onSave` gets the full preferences to PUT. */
export function NotificationSettingsForm(props: {
  preferences: Preferences;
  timeZone: string;
  onSave: (preferences: Preferences) => void | Promise<void>;
}) {
  const [form, setForm] = useState<NotificationSettings>(() =>
    notificationSettingsOf(props.preferences, props.timeZone),
  );
  const set = <K extends keyof NotificationSettings>(key: K, value: NotificationSettings[K]) =>
    setForm((current) => ({ ...current, [key]: value }));
  return (
    <form
      aria-label="Notification settings"
      onSubmit={(event) => {
        event.preventDefault();
        void props.onSave(preferencesFromSettings(form, props.preferences));
      }}
    >
      <fieldset>
        <legend>Channels (the bell and toasts are always on)</legend>
        <label>
          <input type="checkbox" checked={form.email} onChange={(e) => set('email', e.target.checked)} /> Email for
          important notifications
        </label>
        <label>
          <input type="checkbox" checked={form.sms} onChange={(e) => set('sms', e.target.checked)} /> SMS for critical
          notifications
        </label>
        <label>
          <input type="checkbox" checked={form.push} onChange={(e) => set('push', e.target.checked)} /> Push to my
          devices
        </label>
        <label>
          SMS number <input type="tel" value={form.phone} onChange={(e) => set('phone', e.target.value)} />
        </label>
      </fieldset>
      <fieldset>
        <legend>Quiet hours ({form.timeZone}): SMS and push wait until they end</legend>
        <label>
          From <input type="time" value={form.quietStart} onChange={(e) => set('quietStart', e.target.value)} />
        </label>
        <label>
          Until <input type="time" value={form.quietEnd} onChange={(e) => set('quietEnd', e.target.value)} />
        </label>
        <label>
          <input
            type="checkbox"
            checked={form.includeCritical}
            onChange={(e) => set('includeCritical', e.target.checked)}
          />{' '}
          Hold critical ones too
        </label>
      </fieldset>
      <button type="submit" className="ws-button">
        Save settings
      </button>
    </form>
  );
}

export function DeliveryLog({ entries }: { entries: readonly DeliveryEntry[] | null }) {
  if (!entries) return <p className="ws-muted">Loading…</p>;
  if (entries.length === 0) return <p className="ws-muted">Nothing sent to you yet.</p>;
  return (
    <table aria-label="Notification deliveries">
      <thead>
        <tr>
          <th scope="col">When</th>
          <th scope="col">Channel</th>
          <th scope="col">To</th>
          <th scope="col">Message</th>
          <th scope="col">Status</th>
        </tr>
      </thead>
      <tbody>
        {entries.map((entry) => (
          <tr key={entry.key} data-recorded={entry.recorded || undefined}>
            <td>{new Date(entry.atMs).toLocaleString()}</td>
            <td>{entry.channel}</td>
            <td>{entry.to}</td>
            <td>
              {entry.detail && entry.detail !== entry.summary ? (
                <details>
                  <summary>{entry.summary}</summary>
                  <pre style={{ whiteSpace: 'pre-wrap' }}>{entry.detail}</pre>
                </details>
              ) : (
                entry.summary
              )}
            </td>
            <td>
              {entry.status}
              {entry.attempts > 1 ? ` (${entry.attempts} attempts)` : ''}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
