// Throws in every hook it registers: the page must not notice.
export function register({ registerHook }) {
  for (const target of ['action:application.init', 'filter:api.video-watch.video.get.result', 'action:video-watch.player.loaded']) {
    registerHook({ target, handler: () => { throw new Error('the client-demo plugin fails'); } });
  }
}
