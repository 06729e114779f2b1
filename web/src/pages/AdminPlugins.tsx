import DOMPurify from 'dompurify';
import { useState } from 'react';
import { errorMessage } from '../api';
import { ErrorMessage, Loading } from '../components/Status';
import { useApp, useLoad, useTitle } from '../hooks';
import { fieldKind, formValues, npmName, settingsBody, type InstalledPlugin, type SettingValue } from '../plugins';
import { api } from '../services';

// The administrator's Plugins page: the plugins installed with the deployment, and a settings
// form for each, built from what the plugin registered.
export function AdminPlugins() {
  useTitle('Plugins');
  const { me } = useApp();
  const plugins = useLoad((s) => (me?.role.id === 0 ? api.plugins(s) : Promise.resolve(null)), [me]);
  if (!me) return <Loading />;
  if (me.role.id !== 0) return <ErrorMessage error="Only the administrator can see this page." />;
  return (
    <section>
      <h1>Plugins</h1>
      <p className="hint">Plugins are installed with the deployment (plugins.txt). Here you change their settings.</p>
      {plugins.loading && <Loading what="Loading the plugins" />}
      {plugins.error && <ErrorMessage error={plugins.error} onRetry={plugins.reload} />}
      {plugins.data && plugins.data.total === 0 && <p>No plugin is installed.</p>}
      {plugins.data?.data.map((plugin) => <PluginSettings key={plugin.name} plugin={plugin} />)}
    </section>
  );
}

function PluginSettings({ plugin }: { plugin: InstalledPlugin }) {
  const name = npmName(plugin);
  const registered = useLoad((s) => api.pluginRegisteredSettings(name, s), [name]);
  const [draft, setDraft] = useState<Record<string, SettingValue> | null>(null);
  const [saving, setSaving] = useState(false);
  const [result, setResult] = useState<{ ok: boolean; text: string } | null>(null);
  const titleId = `plugin-${plugin.name}`;
  const heading = (
    <h2 className="section-title" id={titleId}>
      {plugin.name} <span className="hint">{plugin.version}</span>
    </h2>
  );
  if (registered.loading) return <>{heading}<Loading what="Loading its settings" /></>;
  if (registered.error || !registered.data) return <>{heading}<ErrorMessage error={registered.error ?? ''} onRetry={registered.reload} /></>;
  const settings = registered.data.registeredSettings;
  const values = draft ?? formValues(settings, plugin.settings);
  const change = (key: string, value: SettingValue) => setDraft({ ...values, [key]: value });

  const save = async (e: React.FormEvent) => {
    e.preventDefault();
    setSaving(true);
    setResult(null);
    try {
      await api.savePluginSettings(name, settingsBody(settings, values));
      setResult({ ok: true, text: 'Settings saved.' });
    } catch (err) {
      setResult({ ok: false, text: `The settings were not saved: ${errorMessage(err)}` });
    } finally {
      setSaving(false);
    }
  };

  return (
    <>
      {heading}
      {plugin.description && <p>{plugin.description}</p>}
      {!plugin.enabled && <p className="error-box">This plugin failed to start; see the logs.</p>}
      {settings.length === 0 ? (
        <p className="hint">This plugin has no settings.</p>
      ) : (
        <form className="form form--wide" onSubmit={save} aria-labelledby={titleId}>
          {settings.map((setting) => {
            const id = `${titleId}-${setting.name}`;
            const kind = fieldKind(setting.type);
            const value = values[setting.name];
            if (kind === 'html') {
              return <div key={id} dangerouslySetInnerHTML={{ __html: DOMPurify.sanitize(setting.html ?? '') }} />;
            }
            if (kind === 'checkbox') {
              return (
                <label key={id} className="checkbox">
                  <input type="checkbox" checked={value === true} onChange={(e) => change(setting.name, e.target.checked)} /> {setting.label}
                </label>
              );
            }
            return (
              <div key={id}>
                <label htmlFor={id}>{setting.label}</label>
                {kind === 'select' ? (
                  <select id={id} value={String(value)} onChange={(e) => change(setting.name, e.target.value)}>
                    {(setting.options ?? []).map((option) => (
                      <option key={option.value} value={option.value}>
                        {option.label}
                      </option>
                    ))}
                  </select>
                ) : kind === 'textarea' ? (
                  <textarea id={id} rows={4} value={String(value)} onChange={(e) => change(setting.name, e.target.value)} />
                ) : (
                  <input
                    id={id}
                    type={kind === 'password' ? 'password' : 'text'}
                    value={String(value)}
                    onChange={(e) => change(setting.name, e.target.value)}
                  />
                )}
                {setting.descriptionHTML && (
                  <p className="hint" dangerouslySetInnerHTML={{ __html: DOMPurify.sanitize(setting.descriptionHTML) }} />
                )}
              </div>
            );
          })}
          {result && (
            <p className={result.ok ? 'notice notice--ok' : 'error-box'} role={result.ok ? 'status' : 'alert'}>
              {result.text}
            </p>
          )}
          <button type="submit" className="button button--primary" disabled={saving}>
            {saving ? 'Saving…' : 'Save the settings'}
          </button>
        </form>
      )}
    </>
  );
}
