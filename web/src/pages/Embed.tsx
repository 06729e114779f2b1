import { useCallback, useEffect, useRef, useState } from 'react';
import { useParams } from 'react-router';
import { PasswordPrompt } from '../components/PasswordPrompt';
import { Player } from '../components/Player';
import { ErrorMessage, Loading } from '../components/Status';
import { EmbedApi, embedApiOptions, type PlayerControls } from '../embed/api';
import { useLoad } from '../hooks';
import { openVideo } from '../openVideo';
import { rememberPassword } from '../videoPassword';
import { getJson } from '../api';

/** PeerTube's embed hook (Cirrus's embed-allowed route): the plugin's HTML when it refuses
 * this embed, sanitised; null when the embed may go on (or the check itself failed). */
function useEmbedRefusal(id: string): string | null | undefined {
  const [refusal, setRefusal] = useState<string | null | undefined>(undefined);
  useEffect(() => {
    const controller = new AbortController();
    const query = new URLSearchParams(window.location.search);
    if (document.referrer) query.set('referrer', document.referrer);
    getJson<{ allowed: boolean; html?: string }>(`/api/v1/videos/${encodeURIComponent(id)}/embed-allowed?${query}`, controller.signal)
      .then(async (verdict) => {
        if (verdict.allowed) return setRefusal(null);
        const { default: DOMPurify } = await import('dompurify');
        setRefusal(DOMPurify.sanitize(verdict.html ?? ''));
      })
      .catch(() => {
        if (!controller.signal.aborted) setRefusal(null);
      });
    return () => controller.abort();
  }, [id]);
  return refusal;
}

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
  const refusal = useEmbedRefusal(id);
  if (refusal) return <main className="embed embed--refused" dangerouslySetInnerHTML={{ __html: refusal }} />;
  if (refusal === '') return <main className="embed embed--refused" />;
  return (
    <main className="embed">
      {video.loading && !opened && <Loading what="Loading the video" />}
      {video.error && <ErrorMessage error={video.error} />}
      {opened && 'need' in opened && <PasswordPrompt wrong={opened.need === 'wrong'} onSubmit={(password) => unlock.current(password)} />}
      {opened && 'video' in opened && refusal === null && <Player video={opened.video} onControls={onControls} />}
    </main>
  );
}
