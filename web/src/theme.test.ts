import { describe, expect, it } from 'vitest';
import { chosenTheme, homeIsCustomPage, themeStylesheets, type AppearanceConfig } from './theme';

const config: AppearanceConfig = {
  instance: { defaultClientRoute: '/home' },
  homepage: { enabled: true },
  theme: {
    default: 'background-red',
    builtIn: [{ name: 'peertube-core-dark-brown' }, { name: 'peertube-core-light-beige' }],
    registered: [
      { npmName: 'peertube-theme-background-red', name: 'background-red', version: '0.0.5', description: 'Example', css: ['assets/style1.css', 'assets/style2.css'] },
    ],
  },
};

describe('themes', () => {
  it('follows the instance unless the user chose an installed theme', () => {
    expect(chosenTheme(config, undefined)).toBe('background-red');
    expect(chosenTheme(config, 'instance-default')).toBe('background-red');
    expect(chosenTheme(config, 'peertube-core-dark-brown')).toBe('peertube-core-dark-brown');
    expect(chosenTheme(config, 'uninstalled')).toBe('background-red');
    expect(chosenTheme({ ...config, theme: { ...config.theme!, default: 'gone' } }, null)).toBe('default');
    expect(chosenTheme(null, 'peertube-core-dark-brown')).toBe('default');
  });

  it("serves a package's CSS at PeerTube's theme paths", () => {
    expect(themeStylesheets(config, 'background-red')).toEqual([
      '/themes/background-red/0.0.5/css/assets/style1.css',
      '/themes/background-red/0.0.5/css/assets/style2.css',
    ]);
    expect(themeStylesheets(config, 'peertube-core-dark-brown')).toEqual([]);
  });

  it('opens the homepage on / only when it is the default route and is set', () => {
    expect(homeIsCustomPage(config)).toBe(true);
    expect(homeIsCustomPage({ ...config, homepage: { enabled: false } })).toBe(false);
    expect(homeIsCustomPage({ ...config, instance: { defaultClientRoute: '/videos/browse' } })).toBe(false);
  });
});
