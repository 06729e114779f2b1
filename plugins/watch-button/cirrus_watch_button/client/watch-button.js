// The watch-button plugin's client script (an ES module), called as PeerTube calls one:
// register({ registerHook, peertubeHelpers }).

function timecode(seconds) {
  const whole = Math.floor(seconds);
  const minutes = Math.floor(whole / 60);
  return `${minutes}:${String(whole % 60).padStart(2, '0')}`;
}

export async function register({ registerHook, peertubeHelpers }) {
  registerHook({
    target: 'action:video-watch.player.loaded',
    handler: async ({ video, player }) => {
      const settings = await peertubeHelpers.getSettings();
      const place = document.getElementById('plugin-placeholder-player-next');
      if (!place) return;
      place.querySelector('.watch-button-plugin')?.remove();
      const button = document.createElement('button');
      button.type = 'button';
      button.className = 'button watch-button-plugin';
      button.textContent = settings['button-label'] || 'Link to this moment';
      button.addEventListener('click', async () => {
        const at = player && Number.isFinite(player.currentTime) ? player.currentTime : 0;
        const link = `${window.location.origin}/w/${video.shortUUID || video.uuid}?start=${Math.floor(at)}`;
        peertubeHelpers.notifier.info(link, `Link to ${timecode(at)}`);
        try {
          await navigator.clipboard.writeText(link);
        } catch {
          // No clipboard (an insecure origin, or permission refused): the notice shows the link.
        }
      });
      place.appendChild(button);
    },
  });
}
