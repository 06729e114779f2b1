import { useCallback, useEffect, useRef } from 'react';
import { useParams } from 'react-router';
import { PasswordPrompt } from '../components/PasswordPrompt';
import { Player } from '../components/Player';
import { ErrorMessage, Loading } from '../components/Status';
import { EmbedApi, embedApiOptions, type PlayerControls } from '../embed/api';
import { useLoad } from '../hooks';
import { openVideo } from '../openVideo';
import { rememberPassword } from '../videoPassword';

/**
 * The player alone, for other sites' iframes. With `?api=1` (as PeerTube's embed) it answers
 * `@peertube/embed-api` from the page that frames it (../embed/api.ts). A password-protected
 * video asks for its password, or takes it from the host page (setVideoPassword).
 */
export function Embed() {
  const { id = '' } = useParams();
  const video = useLoad((s) => openVideo(id, s), [id]);
  const controls = useRef<PlayerControls | null>(null);
  const embedApi = useRef<EmbedApi | null>(null);
  const unlock = useRef((password: string) => void password);
  unlock.current = (password: string) => {
    rememberPassword([id], password);
    video.reload();
  };
  useEffect(() => {
    const options = embedApiOptions(window.location.search);
    if (!options.enabled || window.parent === window) return undefined;
    const created = new EmbedApi(window.parent, options.scope, (password) => unlock.current(password));
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
  const opened = video.data;
  return (
    <main className="embed">
      {video.loading && !opened && <Loading what="Loading the video" />}
      {video.error && <ErrorMessage error={video.error} />}
      {opened && 'need' in opened && <PasswordPrompt wrong={opened.need === 'wrong'} onSubmit={(password) => unlock.current(password)} />}
      {opened && 'video' in opened && <Player video={opened.video} onControls={onControls} />}
    </main>
  );
}
