// The watch page's word on a video still being encoded. Anyone who can see a video waiting
// for its transcoding is told it may not play properly yet (as PeerTube's watch page does);
// its owner also sees it published rendition by rendition (Cirrus publishes from the first
// one, docs/transcoding.md), followed until every one is in.
import { useEffect } from 'react';
import { encoding, stillEncodingLabel, TO_TRANSCODE, useFollowedVideo } from '../encoding';
import { useApp } from '../hooks';
import type { VideoDetails } from '../types';

const settled = (video: VideoDetails) => {
  const progress = encoding(video);
  return progress.done || progress.failed;
};

export function EncodingNotice({ video, onPublished }: { video: VideoDetails; onPublished: () => void }) {
  const { me } = useApp();
  const owner = !!me && me.account.id === video.account.id;
  const shown = encoding(video);
  const following = owner && !video.isLive && (video.state?.id === TO_TRANSCODE || (shown.published && !shown.done));
  const followed = useFollowedVideo(following ? video.uuid : null, settled, 3000).video;
  const latest = followed ? encoding(followed) : shown;
  // Published since the page read it: read it again, so that the player gets its files.
  const nowPublished = !shown.published && latest.published;
  useEffect(() => {
    if (nowPublished) onPublished();
  }, [nowPublished, onPublished]);

  if (video.isLive) return null;
  if (!latest.published && (followed ?? video).state?.id === TO_TRANSCODE) {
    return (
      <p className="notice" role="status" data-testid="encoding-notice">
        This video is being transcoded: it may not play properly yet.
      </p>
    );
  }
  if (owner && latest.published && !latest.done) {
    return (
      <p className="notice" role="status" data-testid="encoding-notice">
        {stillEncodingLabel(latest)} The other resolutions are added as they are ready.
      </p>
    );
  }
  return null;
}
