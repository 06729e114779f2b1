// Administration › Appearance (docs/appearance.md): the instance's avatar, banner and logos,
// its homepage, and the default theme.
import { useEffect, useState } from 'react';
import { Link } from 'react-router';
import { errorMessage } from '../api';
import { session } from '../auth';
import { ErrorMessage, Loading } from '../components/Status';
import { useApp, useLoad, useTitle } from '../hooks';
import { api } from '../services';
import { appearanceOf, loadHomepage, themeChoices, type ActorImage } from '../theme';

type Result = { ok: boolean; text: string } | null;

const IMAGES = [
  { key: 'avatar', label: 'Avatar', field: 'avatarfile', pick: '/api/v1/config/instance-avatar/pick', remove: '/api/v1/config/instance-avatar' },
  { key: 'banner', label: 'Banner', field: 'bannerfile', pick: '/api/v1/config/instance-banner/pick', remove: '/api/v1/config/instance-banner' },
  ...(['header-square', 'header-wide', 'favicon', 'opengraph'] as const).map((type) => ({
    key: type,
    label: { 'header-square': 'Square logo', 'header-wide': 'Wide logo', favicon: 'Favicon', opengraph: 'Link preview image' }[type],
    field: 'logofile',
    pick: `/api/v1/config/instance-logo/${type}/pick`,
    remove: `/api/v1/config/instance-logo/${type}`,
  })),
];

export function AdminAppearance() {
  useTitle('Appearance');
  const { me } = useApp();
  if (!me) return <Loading />;
  if (me.role.id !== 0) return <ErrorMessage error="Only the administrator can see this page." />;
  return (
    <section>
      <h1>Appearance</h1>
      <p>
        <Link to="/admin">Back to the administration</Link>
      </p>
      <Images />
      <HomepageEditor />
      <DefaultTheme />
    </section>
  );
}

function ResultLine({ result }: { result: Result }) {
  if (!result) return null;
  return (
    <p className={result.ok ? 'notice notice--ok' : 'error-box'} role={result.ok ? 'status' : 'alert'}>
      {result.text}
    </p>
  );
}

function Images() {
  const { config, reloadConfig } = useApp();
  const [busy, setBusy] = useState<string | null>(null);
  const [result, setResult] = useState<Result>(null);
  const appearance = appearanceOf(config);
  const current = (key: string): ActorImage | undefined => {
    if (key === 'avatar') return appearance?.instance.avatars?.[0];
    if (key === 'banner') return appearance?.instance.banners?.[0];
    const logo = appearance?.instance.logo?.find((l) => l.type === key && !l.isFallback);
    return logo ? { path: logo.fileUrl, fileUrl: logo.fileUrl, width: logo.width, height: logo.height } : undefined;
  };
  const act = async (label: string, run: () => Promise<unknown>, done: string) => {
    setBusy(label);
    setResult(null);
    try {
      await run();
      await reloadConfig();
      setResult({ ok: true, text: done });
    } catch (err) {
      setResult({ ok: false, text: `${label}: ${errorMessage(err)}` });
    } finally {
      setBusy(null);
    }
  };
  return (
    <>
      <h2 className="section-title" id="images-title">
        Images
      </h2>
      <div className="appearance-images">
        {IMAGES.map((image) => {
          const shown = current(image.key);
          return (
            <div key={image.key} className="form">
              <h3>{image.label}</h3>
              {shown ? <img src={shown.fileUrl ?? shown.path} alt={`Current ${image.label.toLowerCase()}`} /> : <p className="muted">None.</p>}
              <label htmlFor={`pick-${image.key}`}>Upload a new {image.label.toLowerCase()}</label>
              <input
                id={`pick-${image.key}`}
                type="file"
                accept=".png,.jpeg,.jpg,.gif,.webp"
                disabled={busy !== null}
                onChange={(e) => {
                  const file = e.target.files?.[0];
                  e.target.value = '';
                  if (!file) return;
                  const form = new FormData();
                  form.set(image.field, file);
                  void act(image.label, () => session.send(image.pick, { method: 'POST', body: form }), `${image.label} updated.`);
                }}
              />
              {shown && (
                <button
                  type="button"
                  className="button"
                  disabled={busy !== null}
                  onClick={() => void act(image.label, () => session.send(image.remove, { method: 'DELETE' }), `${image.label} removed.`)}
                >
                  Remove the {image.label.toLowerCase()}
                </button>
              )}
            </div>
          );
        })}
      </div>
      <ResultLine result={result} />
    </>
  );
}

function HomepageEditor() {
  const { reloadConfig } = useApp();
  const loaded = useLoad((signal) => loadHomepage(signal), []);
  const [content, setContent] = useState('');
  const [saving, setSaving] = useState(false);
  const [result, setResult] = useState<Result>(null);
  useEffect(() => setContent(loaded.data ?? ''), [loaded.data]);
  const save = async (e: React.FormEvent) => {
    e.preventDefault();
    setSaving(true);
    setResult(null);
    try {
      await session.send('/api/v1/custom-pages/homepage/instance', { method: 'PUT', json: { content } });
      await reloadConfig();
      setResult({ ok: true, text: content ? 'Homepage saved.' : 'Homepage removed.' });
    } catch (err) {
      setResult({ ok: false, text: `The homepage was not saved: ${errorMessage(err)}` });
    } finally {
      setSaving(false);
    }
  };
  return (
    <>
      <h2 className="section-title" id="homepage-editor-title">
        Homepage
      </h2>
      {loaded.loading && <Loading what="Loading the homepage" />}
      {loaded.error && <ErrorMessage error={loaded.error} onRetry={loaded.reload} />}
      <form className="form form--wide" onSubmit={save} aria-labelledby="homepage-editor-title">
        <label htmlFor="homepage-content">Content of the homepage (shown at /home)</label>
        <textarea id="homepage-content" rows={10} aria-describedby="homepage-hint" value={content} onChange={(e) => setContent(e.target.value)} />
        <p id="homepage-hint" className="hint">
          Markdown is supported. Leave it empty for no homepage. <Link to="/home">See the homepage</Link>.
        </p>
        <ResultLine result={result} />
        <button type="submit" className="button button--primary" disabled={saving}>
          {saving ? 'Saving…' : 'Save the homepage'}
        </button>
      </form>
    </>
  );
}

function DefaultTheme() {
  const { config, reloadConfig } = useApp();
  const [saving, setSaving] = useState(false);
  const [result, setResult] = useState<Result>(null);
  const appearance = appearanceOf(config);
  const choose = async (theme: string) => {
    setSaving(true);
    setResult(null);
    try {
      const custom = await api.customConfig();
      const withTheme = { ...custom, theme: { ...(custom as { theme?: object }).theme, default: theme } };
      await api.saveCustomConfig(withTheme as typeof custom);
      await reloadConfig();
      setResult({ ok: true, text: 'Default theme saved.' });
    } catch (err) {
      setResult({ ok: false, text: `The theme was not saved: ${errorMessage(err)}` });
    } finally {
      setSaving(false);
    }
  };
  return (
    <>
      <h2 className="section-title">Theme</h2>
      <div className="form">
        <label htmlFor="default-theme">Default theme of the instance</label>
        <select id="default-theme" value={appearance?.theme?.default ?? 'default'} disabled={saving} onChange={(e) => void choose(e.target.value)}>
          {themeChoices(appearance).map((t) => (
            <option key={t.name} value={t.name}>
              {t.label}
            </option>
          ))}
        </select>
        <p className="hint">Users who chose a theme of their own keep it.</p>
      </div>
      <ResultLine result={result} />
    </>
  );
}
