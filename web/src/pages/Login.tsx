import { useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { ApiError, errorMessage } from '../api';
import { session } from '../auth';
import { useApp, useTitle } from '../hooks';
import { api } from '../services';

export function Login() {
  useTitle('Log in');
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const { reloadMe } = useApp();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  // Two-factor users: the server asks for a code once the password holds.
  const [needsCode, setNeedsCode] = useState(false);
  const [code, setCode] = useState('');

  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await session.logIn(username.trim(), password, needsCode ? code.trim() : undefined);
      await reloadMe();
      navigate(params.get('next') ?? '/');
    } catch (err) {
      if (err instanceof ApiError && err.code === 'missing_two_factor') setNeedsCode(true);
      else setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <FormPage
      title="Log in"
      error={error}
      onSubmit={submit}
      after={
        <p>
          No account yet? <Link to="/signup">Sign up</Link>.
        </p>
      }
    >
        <label htmlFor="login-username">Username or email</label>
        <input id="login-username" autoComplete="username" required value={username} onChange={(e) => setUsername(e.target.value)} />
        <label htmlFor="login-password">Password</label>
        <input
          id="login-password"
          type="password"
          autoComplete="current-password"
          required
          value={password}
          onChange={(e) => setPassword(e.target.value)}
        />
        {needsCode && (
          <>
            <label htmlFor="login-code">Two-factor code</label>
            <input
              id="login-code"
              inputMode="numeric"
              autoComplete="one-time-code"
              pattern="[0-9]{6}"
              required
              autoFocus
              aria-describedby="login-code-hint"
              value={code}
              onChange={(e) => setCode(e.target.value)}
            />
            <p id="login-code-hint" className="hint">
              The 6-digit code your authentication app shows for this account.
            </p>
          </>
        )}
        <button className="button button--primary" type="submit" disabled={busy}>
          {busy ? 'Logging in…' : 'Log in'}
        </button>
    </FormPage>
  );
}

export function Signup() {
  useTitle('Sign up');
  const navigate = useNavigate();
  const { config, reloadMe } = useApp();
  const [fields, setFields] = useState({ username: '', displayName: '', email: '', password: '' });
  const [terms, setTerms] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const set = (k: keyof typeof fields) => (e: React.ChangeEvent<HTMLInputElement>) => setFields({ ...fields, [k]: e.target.value });

  // The server decides whether sign-up is open (a closed one answers with a message shown
  // below), so the form is always offered.
  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    if (!terms) return setError('Please accept the terms of this instance.');
    setBusy(true);
    setError(null);
    try {
      await api.register({ ...fields, displayName: fields.displayName || fields.username });
      try {
        await session.logIn(fields.username, fields.password);
      } catch {
        setError('Your account is created. You can log in once a moderator has approved it.');
        return;
      }
      await reloadMe();
      navigate('/');
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <FormPage title="Sign up" error={error} onSubmit={submit}>
        <label htmlFor="signup-username">Username</label>
        <input id="signup-username" autoComplete="username" required value={fields.username} onChange={set('username')} aria-describedby="signup-username-hint" />
        <p id="signup-username-hint" className="hint">
          Lowercase letters, digits, dots and underscores; it becomes your address on the fediverse.
        </p>
        <label htmlFor="signup-display">Display name</label>
        <input id="signup-display" autoComplete="name" value={fields.displayName} onChange={set('displayName')} />
        <label htmlFor="signup-email">Email</label>
        <input id="signup-email" type="email" autoComplete="email" required value={fields.email} onChange={set('email')} />
        <label htmlFor="signup-password">Password</label>
        <input
          id="signup-password"
          type="password"
          autoComplete="new-password"
          required
          minLength={6}
          value={fields.password}
          onChange={set('password')}
        />
        <label className="checkbox">
          <input type="checkbox" checked={terms} onChange={(e) => setTerms(e.target.checked)} /> I am at least{' '}
          {config?.signup?.minimumAge ?? 16} years old and accept the terms of this instance
        </label>
        <button className="button button--primary" type="submit" disabled={busy}>
          {busy ? 'Creating your account…' : 'Create my account'}
        </button>
    </FormPage>
  );
}

/** A narrow page holding one form, with the server's refusal shown above the fields. */
function FormPage(props: {
  title: string;
  error: string | null;
  onSubmit: (e: React.FormEvent) => void;
  after?: React.ReactNode;
  children: React.ReactNode;
}) {
  return (
    <section className="narrow">
      <h1>{props.title}</h1>
      <form className="form" onSubmit={props.onSubmit} noValidate>
        {props.error && (
          <p className="error-box" role="alert">
            {props.error}
          </p>
        )}
        {props.children}
      </form>
      {props.after}
    </section>
  );
}
