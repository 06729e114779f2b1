// The user's own settings: the theme (PeerTube's users/me `theme`, docs/appearance.md).
import { useState } from 'react';
import { errorMessage } from '../api';
import { ErrorMessage, Loading } from '../components/Status';
import { useApp, useTitle } from '../hooks';
import { appearanceOf, INSTANCE_DEFAULT, saveMyTheme, themeChoices } from '../theme';

export function AccountSettings() {
  useTitle('My settings');
  const { config, me, reloadMe } = useApp();
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);
  if (!me) return <Loading />;
  const current = (me as { theme?: string }).theme ?? INSTANCE_DEFAULT;
  const choose = async (theme: string) => {
    setSaving(true);
    setError(null);
    setSaved(false);
    try {
      await saveMyTheme(theme);
      await reloadMe();
      setSaved(true);
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setSaving(false);
    }
  };
  return (
    <section>
      <h1>My settings</h1>
      <h2 className="section-title">Interface</h2>
      <div className="form">
        <label htmlFor="my-theme">Theme</label>
        <select id="my-theme" value={current} disabled={saving} onChange={(e) => void choose(e.target.value)}>
          <option value={INSTANCE_DEFAULT}>The instance's theme</option>
          {themeChoices(appearanceOf(config)).map((t) => (
            <option key={t.name} value={t.name}>
              {t.label}
            </option>
          ))}
        </select>
      </div>
      {error && <ErrorMessage error={error} />}
      <p role="status">{saved ? 'Theme saved.' : ''}</p>
    </section>
  );
}
