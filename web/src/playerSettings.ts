// PeerTube 8's player settings (docs/appearance.md): the player theme the video's owner, its
// channel or the instance chose, resolved by the server; the watch page styles its player by it.
import { useEffect, useState } from 'react';
import { session } from './auth';
import { readJson } from './api';
import { passwordHeaders } from './videoPassword';

export type PlayerTheme = 'galaxy' | 'lucide';

export function usePlayerTheme(videoId: string): PlayerTheme {
  const [theme, setTheme] = useState<PlayerTheme>('galaxy');
  useEffect(() => {
    const controller = new AbortController();
    session
      .send(`/api/v1/player-settings/videos/${encodeURIComponent(videoId)}`, { signal: controller.signal, headers: passwordHeaders(videoId) })
      .then((res) => readJson<{ theme?: string }>(res, controller.signal))
      .then((body) => setTheme(body?.theme === 'lucide' ? 'lucide' : 'galaxy'))
      .catch(() => undefined); // the default skin
    return () => controller.abort();
  }, [videoId]);
  return theme;
}
