import { useEffect, useState } from 'react';
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
        <>
          <p>
            <Link to="/login/forgot-password">Forgot your password?</Link>
          </p>
          <p>
            No account yet? <Link to="/signup">Sign up</Link>.
          </p>
        </>
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

/** Ask for a reset link: the answer is the same whether or not the address is known. */
export function ForgotPassword() {
  useTitle('Forgot your password?');
  const [email, setEmail] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [sent, setSent] = useState(false);
  const [busy, setBusy] = useState(false);

  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await api.askResetPassword(email.trim());
      setSent(true);
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  if (sent)
    return (
      <section className="narrow">
        <h1>Check your email</h1>
        <p role="status">
          If an account uses {email.trim()}, an email with a link to choose a new password is on its way. The link is valid
          for one hour.
        </p>
        <p>
          <Link to="/login">Back to log in</Link>
        </p>
      </section>
    );
  return (
    <FormPage title="Forgot your password?" error={error} onSubmit={submit}>
      <label htmlFor="forgot-email">Email</label>
      <input id="forgot-email" type="email" autoComplete="email" required value={email} onChange={(e) => setEmail(e.target.value)} />
      <button className="button button--primary" type="submit" disabled={busy}>
        {busy ? 'Sending…' : 'Send me a reset link'}
      </button>
    </FormPage>
  );
}

/** PeerTube's /reset-password?userId=&verificationString=, the link of the reset email. */
export function ResetPassword() {
  useTitle('Reset your password');
  const [params] = useSearchParams();
  const userId = params.get('userId') ?? '';
  const verificationString = params.get('verificationString') ?? '';
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState(false);
  const [busy, setBusy] = useState(false);

  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    if (password !== confirm) return setError('The two passwords differ.');
    setBusy(true);
    setError(null);
    try {
      await api.resetPassword(userId, verificationString, password);
      setDone(true);
    } catch (err) {
      setError(
        err instanceof ApiError && err.status === 403
          ? 'This link is no longer valid (used, replaced by a newer one, or older than an hour). Ask for a new one.'
          : errorMessage(err),
      );
    } finally {
      setBusy(false);
    }
  };

  if (done)
    return (
      <section className="narrow">
        <h1>Password changed</h1>
        <p role="status">Your password is changed, and every session is logged out.</p>
        <p>
          <Link to="/login">Log in</Link>
        </p>
      </section>
    );
  return (
    <FormPage
      title="Reset your password"
      error={error}
      onSubmit={submit}
      after={
        <p>
          <Link to="/login/forgot-password">Ask for a new link</Link>
        </p>
      }
    >
      <label htmlFor="reset-password">New password</label>
      <input
        id="reset-password"
        type="password"
        autoComplete="new-password"
        required
        minLength={6}
        value={password}
        onChange={(e) => setPassword(e.target.value)}
      />
      <label htmlFor="reset-confirm">Confirm the new password</label>
      <input
        id="reset-confirm"
        type="password"
        autoComplete="new-password"
        required
        minLength={6}
        value={confirm}
        onChange={(e) => setConfirm(e.target.value)}
      />
      <button className="button button--primary" type="submit" disabled={busy || !userId || !verificationString}>
        {busy ? 'Saving…' : 'Change my password'}
      </button>
    </FormPage>
  );
}

/** PeerTube's /verify-account/email?userId=&verificationString=(&isPendingEmail=true), or
 * ?registrationId=&verificationString= for a sign-up request: verifies at once, and offers to
 * send a new link when this one no longer works. */
export function VerifyEmail() {
  useTitle('Verify your email');
  const [params] = useSearchParams();
  const { me, reloadMe } = useApp();
  const userId = params.get('userId') ?? '';
  const registrationId = params.get('registrationId');
  const verificationString = params.get('verificationString') ?? '';
  const isPendingEmail = params.get('isPendingEmail') === 'true';
  const [state, setState] = useState<'working' | 'done' | 'failed'>('working');
  const [error, setError] = useState<string | null>(null);
  const [email, setEmail] = useState('');
  const [resent, setResent] = useState(false);

  useEffect(() => {
    let cancelled = false;
    const verified = registrationId
      ? api.verifyRegistrationEmail(registrationId, verificationString)
      : api.verifyEmail(userId, verificationString, isPendingEmail);
    verified
      .then(async () => {
        if (cancelled) return;
        setState('done');
        if (me) await reloadMe();
      })
      .catch((err: unknown) => {
        if (cancelled) return;
        setState('failed');
        setError(
          err instanceof ApiError && err.status === 403
            ? 'This link is no longer valid (used, replaced by a newer one, or older than an hour).'
            : errorMessage(err),
        );
      });
    return () => {
      cancelled = true;
    };
    // The link is followed once, when the page opens.
  }, [userId, registrationId, verificationString, isPendingEmail]);

  const resend = async (e: React.FormEvent) => {
    e.preventDefault();
    try {
      await api.askVerifyEmail(email.trim());
      setResent(true);
    } catch (err) {
      setError(errorMessage(err));
    }
  };

  if (state === 'working')
    return (
      <section className="narrow">
        <h1>Verify your email</h1>
        <p role="status">Verifying…</p>
      </section>
    );
  if (state === 'done')
    return (
      <section className="narrow">
        <h1>Email verified</h1>
        <p role="status">
          {registrationId
            ? 'Your email is verified. A moderator will look at your request; you can log in once it is accepted.'
            : isPendingEmail
              ? 'Your new email address is now the one of your account.'
              : 'Your email is verified.'}
        </p>
        <p>{me ? <Link to="/">Go home</Link> : <Link to="/login">Log in</Link>}</p>
      </section>
    );
  if (resent)
    return (
      <section className="narrow">
        <h1>Check your email</h1>
        <p role="status">If an account uses {email.trim()}, a new verification link is on its way.</p>
      </section>
    );
  return (
    <FormPage title="Verify your email" error={error} onSubmit={resend}>
      <label htmlFor="verify-email">Send a new link to</label>
      <input id="verify-email" type="email" autoComplete="email" required value={email} onChange={(e) => setEmail(e.target.value)} />
      <button className="button button--primary" type="submit">
        Send a new link
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
