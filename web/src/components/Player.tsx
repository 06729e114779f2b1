import Hls from 'hls.js';
import { useEffect, useRef, useState } from 'react';
import { api } from '../services';
import type { VideoDetails } from '../types';

const AUTO = -1;

/** The HLS player: hls.js where Media Source Extensions exist, the browser's own HLS elsewhere. */
export function Player({ video, autoPlay = false }: { video: VideoDetails; autoPlay?: boolean }) {
  const element = useRef<HTMLVideoElement>(null);
  const hls = useRef<Hls | null>(null);
  const [levels, setLevels] = useState<{ index: number; height: number }[]>([]);
  const [choice, setChoice] = useState(AUTO);
  const [playing, setPlaying] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  const playlist = video.streamingPlaylists?.[0]?.playlistUrl;

  useEffect(() => {
    const media = element.current;
    if (!media || !playlist) return;
    setError(null);
    if (Hls.isSupported()) {
      const player = new Hls({ capLevelToPlayerSize: false });
      hls.current = player;
      player.on(Hls.Events.MANIFEST_PARSED, (_e, data) => {
        setLevels(data.levels.map((l, index) => ({ index, height: l.height })).sort((a, b) => b.height - a.height));
      });
      player.on(Hls.Events.LEVEL_SWITCHED, (_e, data) => setPlaying(player.levels[data.level]?.height ?? null));
      player.on(Hls.Events.ERROR, (_e, data) => {
        if (data.fatal) setError(`The video could not be played (${data.details}).`);
      });
      player.loadSource(playlist);
      player.attachMedia(media);
      return () => {
        player.destroy();
        hls.current = null;
      };
    }
    if (media.canPlayType('application/vnd.apple.mpegurl')) media.src = playlist;
    else setError('This browser cannot play HLS video.');
    return undefined;
  }, [playlist]);

  // Count the view as PeerTube's player does: report the position every few seconds while playing.
  useEffect(() => {
    const media = element.current;
    if (!media) return;
    const sessionId = crypto.randomUUID?.() ?? String(Math.random()).slice(2);
    let last = -Infinity;
    const report = () => {
      const now = Date.now();
      if (media.paused || now - last < 5000) return;
      last = now;
      void api.view(video.id, media.currentTime, sessionId).catch(() => undefined);
    };
    media.addEventListener('timeupdate', report);
    return () => media.removeEventListener('timeupdate', report);
  }, [video.id]);

  const pick = (value: number) => {
    setChoice(value);
    if (hls.current) hls.current.currentLevel = value; // -1 is automatic
  };

  if (!playlist) {
    return (
      <div className="player player--empty" role="status">
        This video is not ready to play yet{video.state ? ` (${video.state.label})` : ''}.
      </div>
    );
  }

  return (
    <div className="player">
      <video
        ref={element}
        className="player__video"
        controls
        playsInline
        autoPlay={autoPlay}
        poster={video.previewPath ?? undefined}
        aria-label={`Video: ${video.name}`}
        data-testid="player"
      />
      {error && (
        <p className="error-box" role="alert">
          {error}
        </p>
      )}
      {levels.length > 0 && (
        <div className="player__quality">
          <label htmlFor="quality">Quality</label>{' '}
          <select id="quality" value={choice} onChange={(e) => pick(Number(e.target.value))}>
            <option value={AUTO}>Auto{choice === AUTO && playing ? ` (${playing}p)` : ''}</option>
            {levels.map((l) => (
              <option key={l.index} value={l.index}>
                {l.height}p
              </option>
            ))}
          </select>
        </div>
      )}
    </div>
  );
}
