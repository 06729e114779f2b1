import { useParams } from 'react-router';
import { Player } from '../components/Player';
import { ErrorMessage, Loading } from '../components/Status';
import { useLoad } from '../hooks';
import { api } from '../services';

/** The player alone, for other sites' iframes. */
export function Embed() {
  const { id = '' } = useParams();
  const video = useLoad((s) => api.video(id, s), [id]);
  return (
    <main className="embed">
      {video.loading && <Loading what="Loading the video" />}
      {video.error && <ErrorMessage error={video.error} />}
      {video.data && <Player video={video.data} />}
    </main>
  );
}
