import { useCallback, useEffect, useRef } from 'react';
import { useParams } from 'react-router';
import { Player } from '../components/Player';
import { ErrorMessage, Loading } from '../components/Status';
import { EmbedApi, embedApiOptions, type PlayerControls } from '../embed/api';
import { useLoad } from '../hooks';
import { api } from '../services';

/**
 * The player alone, for other sites' iframes. With `?api=1` (as PeerTube's embed) it answers
 * `@peertube/embed-api` from the page that frames it (../embed/api.ts).
 */
export function Embed() {
  const { id = '' } = useParams();
  const video = useLoad((s) => api.video(id, s), [id]);
  const controls = useRef<PlayerControls | null>(null);
  const embedApi = useRef<EmbedApi | null>(null);
  useEffect(() => {
    const options = embedApiOptions(window.location.search);
    if (!options.enabled || window.parent === window) return undefined;
    const created = new EmbedApi(window.parent, options.scope);
    embedApi.current = created;
    created.attach(controls.current);
    return () => {
      created.destroy();
      embedApi.current = null;
    };
  }, []);
  const onControls = useCallback((found: PlayerControls | null) => {
    controls.current = found;
    embedApi.current?.attach(found);
  }, []);
  return (
    <main className="embed">
      {video.loading && <Loading what="Loading the video" />}
      {video.error && <ErrorMessage error={video.error} />}
      {video.data && <Player video={video.data} onControls={onControls} />}
    </main>
  );
}
