// One user's role and quotas (PeerTube's admin user edit page), and the new-user form.
import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { ApiError, errorMessage } from '../../api';
import { adminApi } from '../../admin/adminApi';
import { assignableRoles, canManage, ROLE_LABELS, USER } from '../../admin/rights';
import { newUserProblems, quotaOptions, type NewUserFields } from '../../admin/userForm';
import { FieldError } from '../../components/FieldError';
import { OutcomeLine, useOutcome } from '../../components/PagedTable';
import { ErrorMessage, Loading } from '../../components/Status';
import { useApp, useLoad, useTitle } from '../../hooks';

function QuotaSelect(props: { id: string; label: string; value: number; onChange: (value: number) => void; error?: string; disabled?: boolean }) {
  const { id, label, value, onChange, error, disabled } = props;
  return (
    <>
      <label htmlFor={id}>{label}</label>
      <select
        id={id}
        value={value}
        disabled={disabled}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${id}-error` : undefined}
        onChange={(e) => onChange(Number(e.target.value))}
      >
        {quotaOptions(value).map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
      <FieldError id={`${id}-error`} error={error} />
    </>
  );
}

export function UserEdit() {
  const { id } = useParams();
  const { me } = useApp();
  const userId = Number(id);
  const loaded = useLoad((s) => adminApi.user(userId, s), [userId]);
  const [draft, setDraft] = useState<{ role: number; videoQuota: number; videoQuotaDaily: number } | null>(null);
  const { outcome, busy, run } = useOutcome();
  const user = loaded.data;
  useTitle(user ? `Edit ${user.username}` : 'Edit a user');
  if (loaded.loading && !user) return <Loading what="Loading the user" />;
  if (loaded.error || !user) return <ErrorMessage error={loaded.error ?? 'No such user.'} onRetry={loaded.reload} />;
  const values = draft ?? { role: user.role.id, videoQuota: user.videoQuota, videoQuotaDaily: user.videoQuotaDaily };
  const allowed = canManage(me?.role.id, user.role.id) && user.id !== me?.id;
  const roles = assignableRoles(me?.role.id);
  const change = (patch: Partial<typeof values>) => setDraft({ ...values, ...patch });
  const save = (e: React.FormEvent) => {
    e.preventDefault();
    const body: Record<string, unknown> = { videoQuota: values.videoQuota, videoQuotaDaily: values.videoQuotaDaily };
    if (values.role !== user.role.id) body.role = values.role;
    void run(() => adminApi.updateUser(user.id, body), `${user.username} is saved.`, loaded.reload);
  };
  return (
    <section>
      <p>
        <Link to="/admin/users">All users</Link>
      </p>
      <h1>Edit {user.username}</h1>
      <p className="hint">
        {user.email} · {user.role.label}
        {user.blocked ? ' · blocked' : ''}
      </p>
      {!allowed && <ErrorMessage error="You may not change this user: only an administrator manages administrators and moderators." />}
      <form className="form" onSubmit={save} aria-label={`Role and quotas of ${user.username}`}>
        <label htmlFor="user-role">Role</label>
        <select id="user-role" value={values.role} disabled={!allowed} onChange={(e) => change({ role: Number(e.target.value) })}>
          {[...new Set([...roles, user.role.id])].map((r) => (
            <option key={r} value={r} disabled={!roles.includes(r)}>
              {ROLE_LABELS[r]}
            </option>
          ))}
        </select>
        <QuotaSelect id="user-quota" label="Video quota" value={values.videoQuota} disabled={!allowed} onChange={(v) => change({ videoQuota: v })} />
        <QuotaSelect
          id="user-quota-daily"
          label="Daily video quota"
          value={values.videoQuotaDaily}
          disabled={!allowed}
          onChange={(v) => change({ videoQuotaDaily: v })}
        />
        <OutcomeLine outcome={outcome} />
        <button type="submit" className="button button--primary" disabled={busy || !allowed}>
          Save the user
        </button>
      </form>
    </section>
  );
}

export function UserCreate() {
  useTitle('Create a user');
  const { me } = useApp();
  const navigate = useNavigate();
  const roles = assignableRoles(me?.role.id);
  const [fields, setFields] = useState<NewUserFields>({ username: '', email: '', password: '', role: USER, videoQuota: -1, videoQuotaDaily: -1 });
  const [problems, setProblems] = useState<Record<string, string>>({});
  const [failure, setFailure] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const set = (patch: Partial<NewUserFields>) => setFields({ ...fields, ...patch });
  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    const found = newUserProblems(fields, roles);
    setProblems(found);
    setFailure(null);
    if (Object.keys(found).length > 0) return;
    setBusy(true);
    try {
      await adminApi.createUser({ ...fields });
      navigate('/admin/users');
    } catch (err) {
      if (err instanceof ApiError) setProblems(err.invalidParams);
      setFailure(`The user was not created: ${errorMessage(err)}`);
    } finally {
      setBusy(false);
    }
  };
  const text = (name: 'username' | 'email' | 'password', label: string, type = 'text') => (
    <>
      <label htmlFor={`new-${name}`}>{label}</label>
      <input
        id={`new-${name}`}
        type={type}
        value={fields[name]}
        autoComplete={name === 'password' ? 'new-password' : 'off'}
        required
        aria-invalid={problems[name] ? true : undefined}
        aria-describedby={problems[name] ? `new-${name}-error` : undefined}
        onChange={(e) => set({ [name]: e.target.value })}
      />
      <FieldError id={`new-${name}-error`} error={problems[name]} />
    </>
  );
  return (
    <section>
      <p>
        <Link to="/admin/users">All users</Link>
      </p>
      <h1>Create a user</h1>
      <form className="form" onSubmit={submit} noValidate aria-label="New user">
        {text('username', 'Username')}
        {text('email', 'Email', 'email')}
        {text('password', 'Password', 'password')}
        <label htmlFor="new-role">Role</label>
        <select id="new-role" value={fields.role} onChange={(e) => set({ role: Number(e.target.value) })}>
          {roles.map((r) => (
            <option key={r} value={r}>
              {ROLE_LABELS[r]}
            </option>
          ))}
        </select>
        <FieldError id="new-role-error" error={problems.role} />
        <QuotaSelect id="new-quota" label="Video quota" value={fields.videoQuota} error={problems.videoQuota} onChange={(v) => set({ videoQuota: v })} />
        <QuotaSelect
          id="new-quota-daily"
          label="Daily video quota"
          value={fields.videoQuotaDaily}
          error={problems.videoQuotaDaily}
          onChange={(v) => set({ videoQuotaDaily: v })}
        />
        {failure && (
          <p className="error-box" role="alert">
            {failure}
          </p>
        )}
        <button type="submit" className="button button--primary" disabled={busy}>
          Create the user
        </button>
      </form>
    </section>
  );
}
