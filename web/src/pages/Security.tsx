import { useState } from 'react';
import { Link } from 'react-router';
import { errorMessage } from '../api';
import { session } from '../auth';
import { AccountTabs } from '../components/AccountTabs';
import { ErrorMessage, Loading } from '../components/Status';
import { useAction, useApp, useLoad, useTitle } from '../hooks';
import { api } from '../services';

interface OtpRequest {
  requestToken: string;
  secret: string;
  uri: string;
}

const twoFactor = {
  request: (userId: number, currentPassword: string) =>
    session.json<{ otpRequest: OtpRequest }>(`/api/v1/users/${userId}/two-factor/request`, { method: 'POST', json: { currentPassword } }),
  confirm: (userId: number, requestToken: string, otpToken: string) =>
    session.send(`/api/v1/users/${userId}/two-factor/confirm-request`, { method: 'POST', json: { requestToken, otpToken } }),
  disable: (userId: number, currentPassword: string) =>
    session.send(`/api/v1/users/${userId}/two-factor/disable`, { method: 'POST', json: { currentPassword } }),
};

/** Two-factor login: set up with an authentication app, or turn off (PeerTube's my-account security). */
export function Security() {
  useTitle('Security');
  const { me, reloadMe } = useApp();
  const [password, setPassword] = useState('');
  const [code, setCode] = useState('');
  const [pending, setPending] = useState<OtpRequest | null>(null);
  const { busy, error, notice: done, setNotice: setDone, run } = useAction();

  if (!session.signedIn) {
    return (
      <p>
        <Link to="/login?next=/my-account/security">Log in</Link> to manage your account's security.
      </p>
    );
  }
  if (!me) return <Loading what="Loading your account" />;

  const start = (e: React.FormEvent) => {
    e.preventDefault();
    void run(async () => {
      setPending((await twoFactor.request(me.id, password)).otpRequest);
      setPassword('');
    });
  };
  const confirm = (e: React.FormEvent) => {
    e.preventDefault();
    if (!pending) return;
    void run(async () => {
      await twoFactor.confirm(me.id, pending.requestToken, code.trim());
      setPending(null);
      setCode('');
      await reloadMe();
      setDone('Two-factor authentication is on. From now on, logging in asks for a code of your app.');
    });
  };
  const disable = (e: React.FormEvent) => {
    e.preventDefault();
    void run(async () => {
      await twoFactor.disable(me.id, password);
      setPassword('');
      await reloadMe();
      setDone('Two-factor authentication is off.');
    });
  };

  return (
    <section>
      <h1>Security</h1>
      <AccountTabs />
      <h2>Two-factor authentication</h2>
      {error && (
        <p className="error-box" role="alert">
          {error}
        </p>
      )}
      {done && (
        <p className="notice notice--ok" role="status">
          {done}
        </p>
      )}
      {me.twoFactorEnabled ? (
        <form className="form" onSubmit={disable}>
          <p>Two-factor authentication is on: logging in asks for a code of your authentication app.</p>
          <label htmlFor="security-disable-password">Current password</label>
          <input id="security-disable-password" type="password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.target.value)} />
          <button className="button button--danger" type="submit" disabled={busy || !password}>
            Turn two-factor authentication off
          </button>
        </form>
      ) : pending ? (
        <form className="form" onSubmit={confirm}>
          <p>
            Add this account to your authentication app: <a href={pending.uri}>open it in the app</a>, or type this key in it:
          </p>
          <p>
            <code className="otp-secret" data-testid="otp-secret">
              {pending.secret}
            </code>
          </p>
          <label htmlFor="security-code">The 6-digit code the app shows</label>
          <input
            id="security-code"
            inputMode="numeric"
            autoComplete="one-time-code"
            pattern="[0-9]{6}"
            required
            value={code}
            onChange={(e) => setCode(e.target.value)}
          />
          <button className="button button--primary" type="submit" disabled={busy || !code.trim()}>
            Turn two-factor authentication on
          </button>
        </form>
      ) : (
        <form className="form" onSubmit={start}>
          <p>Protect your account with a code of an authentication app on your phone, asked at each login.</p>
          <label htmlFor="security-password">Current password</label>
          <input id="security-password" type="password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.target.value)} />
          <button className="button button--primary" type="submit" disabled={busy || !password}>
            Set up two-factor authentication
          </button>
        </form>
      )}
      <Sessions userId={me.id} />
    </section>
  );
}

const when = (date: string) => new Date(date).toLocaleString();

/** The user's logged-in clients (PeerTube's token sessions), each revocable but this one. */
function Sessions({ userId }: { userId: number }) {
  const sessions = useLoad((s) => api.tokenSessions(userId, s), [userId]);
  const [error, setError] = useState<string | null>(null);
  const revoke = async (id: number) => {
    setError(null);
    try {
      await api.revokeTokenSession(userId, id);
      sessions.reload();
    } catch (err) {
      setError(errorMessage(err));
    }
  };
  return (
    <>
      <h2>Sessions</h2>
      <p>Where your account is logged in. Revoking a session logs that device out.</p>
      {error && <ErrorMessage error={error} />}
      {sessions.loading && <Loading what="Loading your sessions" />}
      {sessions.error && <ErrorMessage error={sessions.error} onRetry={sessions.reload} />}
      {sessions.data && (
        <ul className="sessions" aria-label="Sessions">
          {sessions.data.data.map((t) => (
            <li key={t.id} className="sessions__item" data-testid="token-session">
              <p>
                <strong>{t.loginDevice ?? 'Unknown device'}</strong>
                {t.currentSession && <> (this session)</>}
              </p>
              <p className="muted">
                Logged in {when(t.loginDate)}
                {t.loginIP && <> from {t.loginIP}</>}
              </p>
              <p className="muted">
                Last active {when(t.lastActivityDate)}
                {t.lastActivityIP && <> from {t.lastActivityIP}</>}
                {t.lastActivityDevice && t.lastActivityDevice !== t.loginDevice && <> with {t.lastActivityDevice}</>}
              </p>
              {!t.currentSession && (
                <button
                  type="button"
                  className="link-button danger"
                  aria-label={`Revoke the session of ${t.loginDevice ?? 'an unknown device'}`}
                  onClick={() => void revoke(t.id)}
                >
                  Revoke
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
