// The instance's settings (PeerTube's admin "Configuration"): the whole custom config, in
// PeerTube's sections, checked before it is sent; what the server refuses shows beside the field.
import { useState } from 'react';
import { ApiError, errorMessage } from '../../api';
import { CONFIG_SECTIONS, configProblems, fieldId, getPath, setPath, shownFields, type ConfigField } from '../../admin/configForm';
import { quotaOptions } from '../../admin/userForm';
import { FieldError } from '../../components/FieldError';
import { OutcomeLine, type Outcome } from '../../components/PagedTable';
import { ErrorMessage, Loading } from '../../components/Status';
import { useApp, useLoad, useTitle } from '../../hooks';
import { api } from '../../services';
import type { CustomConfig } from '../../types';

export function Settings() {
  useTitle('Settings');
  const { reloadConfig } = useApp();
  const loaded = useLoad((s) => api.customConfig(s), []);
  const [draft, setDraft] = useState<CustomConfig | null>(null);
  const [problems, setProblems] = useState<Record<string, string>>({});
  const [saving, setSaving] = useState(false);
  const [outcome, setOutcome] = useState<Outcome>(null);
  const config = draft ?? loaded.data;
  if (loaded.loading && !config) return <Loading what="Loading the settings" />;
  if (loaded.error || !config) return <ErrorMessage error={loaded.error ?? ''} onRetry={loaded.reload} />;

  const save = async (e: React.FormEvent) => {
    e.preventDefault();
    setOutcome(null);
    const found = configProblems(config);
    setProblems(found);
    if (Object.keys(found).length > 0) {
      setOutcome({ ok: false, text: `The settings were not saved: ${Object.keys(found).length} field(s) to correct.` });
      document.getElementById(fieldId(Object.keys(found)[0]!))?.focus();
      return;
    }
    setSaving(true);
    try {
      const saved = await api.saveCustomConfig(config);
      setDraft(saved);
      loaded.setData(saved);
      setOutcome({ ok: true, text: 'Settings saved. They apply at once.' });
      void reloadConfig();
    } catch (err) {
      if (err instanceof ApiError) setProblems(err.invalidParams);
      setOutcome({ ok: false, text: `The settings were not saved: ${errorMessage(err)}` });
    } finally {
      setSaving(false);
    }
  };
  const change = (path: string, value: unknown) => {
    setDraft(setPath(config, path, value));
    if (problems[path]) setProblems(Object.fromEntries(Object.entries(problems).filter(([key]) => key !== path)));
  };

  const sections = CONFIG_SECTIONS.map((section) => ({ section, fields: shownFields(config, section) })).filter((s) => s.fields.length > 0);
  return (
    <section>
      <h1>Settings</h1>
      <nav className="tabs" aria-label="Sections of the settings">
        {sections.map(({ section }) => (
          <a key={section.id} href={`#settings-${section.id}`}>
            {section.title}
          </a>
        ))}
      </nav>
      <form className="form form--wide" onSubmit={save} aria-label="Instance settings" noValidate>
        {sections.map(({ section, fields }) => (
          <fieldset key={section.id} id={`settings-${section.id}`} className="fieldset">
            <legend>{section.title}</legend>
            {fields.map((field) => (
              <Field key={field.path} field={field} value={getPath(config, field.path)} error={problems[field.path]} onChange={(v) => change(field.path, v)} />
            ))}
          </fieldset>
        ))}
        <OutcomeLine outcome={outcome} />
        <button type="submit" className="button button--primary" disabled={saving}>
          {saving ? 'Saving…' : 'Save the settings'}
        </button>
      </form>
    </section>
  );
}

function Field({ field, value, error, onChange }: { field: ConfigField; value: unknown; error?: string; onChange: (value: unknown) => void }) {
  const id = fieldId(field.path);
  const described = [field.hint || field.kind === 'markdown' ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined;
  const common = { id, 'aria-invalid': error ? true : undefined, 'aria-describedby': described };
  const after = (
    <>
      {(field.hint || field.kind === 'markdown') && (
        <p id={`${id}-hint`} className="hint">
          {field.hint ?? 'Markdown is supported.'}
        </p>
      )}
      <FieldError id={`${id}-error`} error={error} />
    </>
  );
  if (field.kind === 'bool') {
    return (
      <>
        <label className="checkbox">
          <input type="checkbox" {...common} checked={value === true} onChange={(e) => onChange(e.target.checked)} /> {field.label}
        </label>
        {after}
      </>
    );
  }
  let input: React.ReactNode;
  if (field.kind === 'textarea' || field.kind === 'markdown') {
    input = <textarea {...common} rows={field.kind === 'markdown' ? 4 : 6} value={String(value ?? '')} onChange={(e) => onChange(e.target.value)} />;
  } else if (field.kind === 'select') {
    input = (
      <select {...common} value={String(value ?? '')} onChange={(e) => onChange(e.target.value)}>
        {field.options?.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    );
  } else if (field.kind === 'quota') {
    input = (
      <select {...common} value={Number(value)} onChange={(e) => onChange(Number(e.target.value))}>
        {quotaOptions(Number(value)).map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    );
  } else if (field.kind === 'int') {
    input = (
      <input
        {...common}
        type="number"
        step={1}
        min={field.min}
        required={field.required}
        value={typeof value === 'number' && Number.isFinite(value) ? value : ''}
        onChange={(e) => onChange(e.target.value === '' ? Number.NaN : Number(e.target.value))}
      />
    );
  } else {
    input = <input {...common} required={field.required} maxLength={field.maxLength} value={String(value ?? '')} onChange={(e) => onChange(e.target.value)} />;
  }
  return (
    <>
      <label htmlFor={id}>{field.label}</label>
      {input}
      {after}
    </>
  );
}
