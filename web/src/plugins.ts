// Server plugins' settings, as PeerTube's admin page edits them: the form is built from the
// settings each plugin registered (GET …/registered-settings), filled with the stored values
// (the plugin's `settings`), and sends back only what holds a value (not the `html` ones).

export interface RegisteredSetting {
  name: string;
  label: string;
  type: string;
  default: unknown;
  private: boolean;
  descriptionHTML: string | null;
  html?: string;
  options?: { value: string; label: string }[];
}

export interface InstalledPlugin {
  name: string;
  type: number;
  version: string;
  enabled: boolean;
  description: string;
  homepage: string;
  settings: Record<string, unknown>;
}

export type SettingValue = string | boolean;

export const npmName = (plugin: InstalledPlugin) => `peertube-plugin-${plugin.name}`;

/** Each editable setting's current value, as its form field holds it. */
export function formValues(registered: RegisteredSetting[], stored: Record<string, unknown>): Record<string, SettingValue> {
  const values: Record<string, SettingValue> = {};
  for (const setting of registered) {
    if (setting.type === 'html') continue;
    const value = stored[setting.name] ?? setting.default;
    values[setting.name] = setting.type === 'input-checkbox' ? value === true || value === 'true' : value == null ? '' : String(value);
  }
  return values;
}

/** The body of PUT …/settings for the form's values. */
export function settingsBody(registered: RegisteredSetting[], values: Record<string, SettingValue>) {
  const settings: Record<string, SettingValue> = {};
  for (const setting of registered) {
    const value = values[setting.name];
    if (setting.type === 'html' || value === undefined) continue;
    settings[setting.name] = value;
  }
  return { settings };
}

/** The field a setting type is edited with. */
export function fieldKind(type: string): 'checkbox' | 'select' | 'textarea' | 'password' | 'text' | 'html' {
  if (type === 'input-checkbox') return 'checkbox';
  if (type === 'select') return 'select';
  if (type === 'input-textarea' || type === 'markdown-text' || type === 'markdown-enhanced') return 'textarea';
  if (type === 'input-password') return 'password';
  if (type === 'html') return 'html';
  return 'text';
}
