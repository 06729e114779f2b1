// Opening a video by its reference: the video, or what its password protection still needs
// from the viewer (the watch page and the embed both ask).
import { api } from './services';
import type { VideoDetails } from './types';
import { knownPassword, passwordNeed, rememberPassword } from './videoPassword';

export type Opened = { video: VideoDetails } | { need: 'missing' | 'wrong' };

/** The video, or what its password-protection still needs from the viewer. */
export async function openVideo(id: string, signal: AbortSignal): Promise<Opened> {
  try {
    const video = await api.video(id, signal);
    const password = knownPassword(id);
    // The password opened it: the calls that name it by id (views, rating, comments) send it too.
    if (password !== undefined) rememberPassword([video.id, video.uuid, video.shortUUID], password);
    return { video };
  } catch (err) {
    const need = passwordNeed(err);
    if (need) return { need };
    throw err;
  }
}
