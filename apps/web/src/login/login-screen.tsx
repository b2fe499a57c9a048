import { initialsOf } from '@wedsync/react-ui';
import { useEffect, useId, useState } from 'react';
import { type DevPerson, devLogin, fetchDevPeople } from '../session/session-api.ts';
import type { StoredSession } from '../session/session-storage.ts';

export interface LoginScreenProps {
  onLoggedIn: (session: StoredSession) => void;
  /** Shown above the list, e.g. why the previous session ended. */
  notice?: string | null;
}

const GROUPS = [
  { kind: 'couple', title: 'WedMe — couples', hint: 'Plan the wedding' },
  { kind: 'supplier', title: 'WedSync — suppliers', hint: 'Run the business' },
] as const;

/** The development login: every seeded person is one click away (issue 5), or type an email. */
export function LoginScreen({ onLoggedIn, notice }: LoginScreenProps) {
  const [people, setPeople] = useState<DevPerson[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busyEmail, setBusyEmail] = useState<string | null>(null);
  const [email, setEmail] = useState('');
  const emailId = useId();

  useEffect(() => {
    fetchDevPeople().then(setPeople, (failure: Error) => setError(failure.message));
  }, []);

  const login = async (address: string) => {
    setBusyEmail(address);
    setError(null);
    try {
      const { token, user } = await devLogin(address);
      onLoggedIn({ token, user });
    } catch (failure) {
      setError((failure as Error).message);
      setBusyEmail(null);
    }
  };

  return (
    <main className="login">
      <div className="login__card">
        <header className="login__header">
          <span className="brand-mark" aria-hidden="true" />
          <div>
            <h1 className="login__title">Welcome to WedSync</h1>
            <p className="login__subtitle">
              Choose someone to log in as. Open a second window to see changes arrive live.
            </p>
          </div>
        </header>
        {notice ? (
          <p className="login__notice" role="status">
            {notice}
          </p>
        ) : null}
        {error ? (
          <p className="login__error" role="alert">
            {error}
          </p>
        ) : null}
        {people === null && !error ? (
          <p className="ws-muted" role="status">
            Loading people…
          </p>
        ) : null}
        <div className="login__groups">
          {GROUPS.map((group) => {
            const members = (people ?? []).filter((person) => person.kind === group.kind);
            if (members.length === 0) return null;
            return (
              <section key={group.kind} className="login__group" aria-labelledby={`login-${group.kind}`}>
                <h2 id={`login-${group.kind}`} className="login__group-title">
                  {group.title} <span className="ws-muted">· {group.hint}</span>
                </h2>
                <ul className="login__people">
                  {members.map((person) => (
                    <li key={person.email}>
                      <button
                        type="button"
                        className="login__person"
                        data-kind={person.kind}
                        aria-label={`Log in as ${person.name}`}
                        disabled={busyEmail !== null}
                        onClick={() => void login(person.email)}
                      >
                        <span className="login__avatar" aria-hidden="true">
                          {initialsOf(person.name)}
                        </span>
                        <span className="login__person-text">
                          <strong>{person.name}</strong>
                          <span className="ws-muted">{person.email}</span>
                        </span>
                        {busyEmail === person.email ? <span className="ws-muted">Logging in…</span> : null}
                      </button>
                    </li>
                  ))}
                </ul>
              </section>
            );
          })}
        </div>
        <form
          className="login__form"
          onSubmit={(event) => {
            event.preventDefault();
            if (email.trim()) void login(email.trim());
          }}
        >
          <label htmlFor={emailId} className="ws-field__label">
            Or log in by email
          </label>
          <div className="ws-row">
            <input
              id={emailId}
              className="ws-input login__email"
              type="email"
              autoComplete="email"
              placeholder="name@example.com"
              value={email}
              onChange={(event) => setEmail(event.target.value)}
            />
            <button
              type="submit"
              className="ws-button ws-button--primary"
              disabled={busyEmail !== null || !email.trim()}
            >
              Log in
            </button>
          </div>
        </form>
      </div>
    </main>
  );
}
