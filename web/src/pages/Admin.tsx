import { useState } from 'react';
import { Link } from 'react-router';
import { errorMessage } from '../api';
import { ErrorMessage, Loading } from '../components/Status';
import { useApp, useLoad, useTitle } from '../hooks';
import { api } from '../services';
import type { CustomConfig } from '../types';
import { JobsSection, RunnersSection } from './AdminWork';
import { AdminRedundancy } from './AdminRedundancy';

export function Admin() {
  useTitle('Administration');
  const { me } = useApp();
  const users = useLoad((s) => (me?.role.id === 0 ? api.users(0, s) : Promise.resolve(null)), [me]);
  if (!me) return <Loading />;
  if (me.role.id !== 0) return <ErrorMessage error="Only the administrator can see this page." />;
  return (
    <section>
      <h1>Administration</h1>
      <p>
        <Link to="/admin/plugins">Plugins and their settings</Link>
      </p>
      <p>
        <Link to="/admin/appearance">Appearance</Link>
      </p>
      <h2 className="section-title">Users</h2>
      {users.loading && <Loading what="Loading users" />}
      {users.error && <ErrorMessage error={users.error} onRetry={users.reload} />}
      {users.data && (
        <div className="table-scroll">
          <table className="table">
            <caption className="visually-hidden">Users of this instance</caption>
            <thead>
              <tr>
                <th scope="col">Username</th>
                <th scope="col">Email</th>
                <th scope="col">Role</th>
                <th scope="col">State</th>
              </tr>
            </thead>
            <tbody>
              {users.data.data.map((u) => (
                <tr key={u.id}>
                  <td>
                    <Link to={`/a/${u.username}`}>{u.username}</Link>
                  </td>
                  <td>{u.email}</td>
                  <td>{u.role.label}</td>
                  <td>{u.blocked ? 'Blocked' : 'Active'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <InstanceSettings />
      <RunnersSection />
      <JobsSection />
      <AdminRedundancy />
    </section>
  );
}

function InstanceSettings() {
  const { reloadConfig } = useApp();
  const loaded = useLoad((s) => api.customConfig(s), []);
  const [draft, setDraft] = useState<CustomConfig | null>(null);
  const [saving, setSaving] = useState(false);
  const [result, setResult] = useState<{ ok: boolean; text: string } | null>(null);
  const config = draft ?? loaded.data;
  const heading = (
    <h2 className="section-title" id="settings-title">
      Instance settings
    </h2>
  );
  if (loaded.loading) return <>{heading}<Loading what="Loading the settings" /></>;
  if (loaded.error || !config) return <>{heading}<ErrorMessage error={loaded.error ?? ''} onRetry={loaded.reload} /></>;

  const instance = (key: 'name' | 'shortDescription' | 'description' | 'terms') => ({
    value: config.instance[key],
    onChange: (e: React.ChangeEvent<HTMLInputElement | HTMLTextAreaElement>) =>
      setDraft({ ...config, instance: { ...config.instance, [key]: e.target.value } }),
  });
  const signup = (change: Partial<CustomConfig['signup']>) => setDraft({ ...config, signup: { ...config.signup, ...change } });

  const save = async (e: React.FormEvent) => {
    e.preventDefault();
    setSaving(true);
    setResult(null);
    try {
      const saved = await api.saveCustomConfig(config);
      setDraft(saved);
      loaded.setData(saved);
      setResult({ ok: true, text: 'Settings saved. They apply at once.' });
      void reloadConfig();
    } catch (err) {
      setResult({ ok: false, text: `The settings were not saved: ${errorMessage(err)}` });
    } finally {
      setSaving(false);
    }
  };

  return (
    <>
      {heading}
      <form className="form form--wide" onSubmit={save} aria-labelledby="settings-title">
        <label htmlFor="settings-name">Instance name</label>
        <input id="settings-name" required maxLength={120} {...instance('name')} />
        <label htmlFor="settings-short">Short description</label>
        <input id="settings-short" {...instance('shortDescription')} />
        <label htmlFor="settings-description">Description</label>
        <textarea id="settings-description" rows={5} aria-describedby="settings-markdown" {...instance('description')} />
        <label htmlFor="settings-terms">Terms</label>
        <textarea id="settings-terms" rows={4} aria-describedby="settings-markdown" {...instance('terms')} />
        <p id="settings-markdown" className="hint">
          Markdown is supported.
        </p>
        <fieldset className="fieldset">
          <legend>Sign-up</legend>
          <label className="checkbox">
            <input type="checkbox" checked={config.signup.enabled} onChange={(e) => signup({ enabled: e.target.checked })} /> Anyone
            may create an account
          </label>
          <label className="checkbox">
            <input
              type="checkbox"
              checked={config.signup.requiresApproval}
              onChange={(e) => signup({ requiresApproval: e.target.checked })}
            />{' '}
            A moderator approves each new account
          </label>
          <label htmlFor="settings-limit">Most users (-1 for no limit)</label>
          <input
            id="settings-limit"
            type="number"
            min={-1}
            step={1}
            value={config.signup.limit}
            onChange={(e) => signup({ limit: e.target.value === '' ? 0 : Number(e.target.value) })}
          />
        </fieldset>
        {result && (
          <p className={result.ok ? 'notice notice--ok' : 'error-box'} role={result.ok ? 'status' : 'alert'}>
            {result.text}
          </p>
        )}
        <button type="submit" className="button button--primary" disabled={saving}>
          {saving ? 'Saving…' : 'Save the settings'}
        </button>
      </form>
    </>
  );
}
