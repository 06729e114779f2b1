// Where the player starts a video the signed-in user watched before (their watch history).

const RESUME_END_SECONDS = 5;

/** The history's position, unless none or within the last seconds: a video watched to its
 * end starts over, as in PeerTube. */
export function resumePosition(currentTime: number | undefined, duration: number | undefined): number | undefined {
  if (!currentTime || currentTime <= 0) return undefined;
  if (duration && currentTime >= duration - RESUME_END_SECONDS) return undefined;
  return currentTime;
}
