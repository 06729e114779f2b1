// Private video files (PeerTube's video file tokens). The HLS of private, internal and
// password-protected videos is listed under /static/streaming-playlists/hls/private/ and read
// only with a `videoFileToken` query parameter, got from POST /api/v1/videos/{id}/token (with
// the viewer's session, or the video's password). The player asks the server to put the
// token back into every URI of the playlists (`reinjectVideoFileToken`), so hls.js, the P2P
// loader and the browser's own HLS all send it with each playlist and segment request.

export const PRIVATE_HLS_PATH = '/static/streaming-playlists/hls/private/';

export interface VideoFileToken {
  files: { token: string; expires: string };
}

/** Whether a file URL is under the private path (so needs a video file token). */
export function needsFileToken(url: string | null | undefined): boolean {
  if (!url) return false;
  return new URL(url, 'http://relative.invalid/').pathname.startsWith(PRIVATE_HLS_PATH);
}

/** `url` with the token in its query; `reinject` for playlists (their URIs get it too). */
export function withFileToken(url: string, token: string, reinject = false): string {
  const extra = `videoFileToken=${encodeURIComponent(token)}${reinject ? '&reinjectVideoFileToken=true' : ''}`;
  return `${url}${url.includes('?') ? '&' : '?'}${extra}`;
}
